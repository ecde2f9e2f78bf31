import { describe, expect, it } from "vitest";
import { seededRandom } from "./seeded-random";

describe("seededRandom", () => {
  it("repeats its sequence for a seed and differs across seeds", () => {
    const draw = (seed: number | string) => {
      const random = seededRandom(seed);
      return Array.from({ length: 8 }, () => random.next());
    };
    expect(draw(42)).toEqual(draw(42));
    expect(draw("run-a")).toEqual(draw("run-a"));
    expect(draw(42)).not.toEqual(draw(43));
    expect(draw("run-a")).not.toEqual(draw("run-b"));
    for (const value of draw(1)) expect(value >= 0 && value < 1).toBe(true);
  });

  it("shuffles to a permutation and picks from the list", () => {
    const random = seededRandom(9);
    const items = ["a", "b", "c", "d", "e"];
    const shuffled = random.shuffle(items);
    expect([...shuffled].sort()).toEqual(items);
    expect(items).toEqual(["a", "b", "c", "d", "e"]);
    expect(items).toContain(random.pick(items));
    expect(() => random.pick([])).toThrow(RangeError);
  });
});
