import { describe, expect, it } from "vitest";
import {
  createGrepMatcher,
  parseShard,
  type SelectableScenario,
  selectShard,
  sortScenarios,
} from "./select-scenarios";

function scenarios(count: number): SelectableScenario[] {
  // Deliberately out of order, across several files.
  return Array.from({ length: count }, (_, index) => {
    const position = (index * 7) % count;
    return {
      file: `suite/file-${position % 3}.scenario.ts`,
      id: `s-${position}`,
      name: `Scenario ${position}`,
      setId: "default",
    };
  });
}

describe("parseShard", () => {
  it("reads index/count", () => {
    expect(parseShard("2/4")).toEqual({ index: 2, count: 4 });
    expect(parseShard(" 1 / 1 ")).toEqual({ index: 1, count: 1 });
  });

  it.each(["0/3", "4/3", "1/0", "a/b", "2", "1/2/3", "-1/2"])("rejects %s with the expected form", (text) => {
    expect(() => parseShard(text)).toThrow(/--shard <index>\/<count>/);
  });
});

describe("selectShard", () => {
  it("splits the suite into disjoint shards whose union is the whole suite", () => {
    const suite = scenarios(23);
    for (const count of [1, 2, 3, 5, 23, 30]) {
      const shards = Array.from({ length: count }, (_, index) =>
        selectShard(suite, { index: index + 1, count }),
      );
      const keys = shards.flat().map((scenario) => `${scenario.file}#${scenario.id}`);
      expect(new Set(keys).size).toBe(keys.length);
      expect(new Set(keys)).toEqual(new Set(suite.map((scenario) => `${scenario.file}#${scenario.id}`)));
      const sizes = shards.map((shard) => shard.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
    }
  });

  it("does not depend on the order scenarios were found in", () => {
    const suite = scenarios(11);
    const reversed = [...suite].reverse();
    for (let index = 1; index <= 3; index++) {
      expect(selectShard(reversed, { index, count: 3 })).toEqual(selectShard(suite, { index, count: 3 }));
    }
  });

  it("sorts by file, then id", () => {
    const sorted = sortScenarios([
      { file: "b.scenario.ts", id: "a", name: "", setId: "default" },
      { file: "a.scenario.ts", id: "z", name: "", setId: "default" },
      { file: "a.scenario.ts", id: "b", name: "", setId: "default" },
    ]);
    expect(sorted.map((scenario) => `${scenario.file}#${scenario.id}`)).toEqual([
      "a.scenario.ts#b",
      "a.scenario.ts#z",
      "b.scenario.ts#a",
    ]);
  });
});

describe("createGrepMatcher", () => {
  const refund: SelectableScenario = { file: "f", id: "refund-flow", name: "Refund flow", setId: "billing" };

  it("matches name, id or set, case-insensitively, as a regex", () => {
    expect(createGrepMatcher("^refund FLOW$")(refund)).toBe(true);
    expect(createGrepMatcher("flow$")(refund)).toBe(true);
    expect(createGrepMatcher("billing")(refund)).toBe(true);
    expect(createGrepMatcher("shipping")(refund)).toBe(false);
  });

  it("falls back to a substring when the pattern is not a valid regex", () => {
    expect(createGrepMatcher("(refund")({ ...refund, name: "a (refund case" })).toBe(true);
    expect(createGrepMatcher("(refund")(refund)).toBe(false);
  });
});
