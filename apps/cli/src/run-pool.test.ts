import { describe, expect, it } from "vitest";
import { runPool } from "./run-pool";

function deferred() {
  let resolve!: () => void;
  const promise = new Promise<void>((done) => {
    resolve = done;
  });
  return { promise, resolve };
}

describe("runPool", () => {
  it("never has more than `concurrency` tasks in flight and runs them all", async () => {
    let inFlight = 0;
    let maxInFlight = 0;
    const gates = Array.from({ length: 9 }, deferred);
    const started: number[] = [];
    const tasks = gates.map((gate, index) => async () => {
      started.push(index);
      inFlight += 1;
      maxInFlight = Math.max(maxInFlight, inFlight);
      await gate.promise;
      inFlight -= 1;
      return index;
    });
    const pool = runPool(tasks, { concurrency: 3 });
    // Release tasks one by one, in a bounded loop, as they start.
    for (let step = 0; step < 50 && started.length < gates.length + 1; step++) {
      await new Promise((resolve) => setImmediate(resolve));
      for (const index of started) gates[index]?.resolve();
    }
    const outcomes = await pool;
    expect(maxInFlight).toBe(3);
    expect(started).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(outcomes).toEqual(gates.map((_, index) => ({ status: "fulfilled", value: index })));
  });

  it("keeps going when a task throws", async () => {
    const outcomes = await runPool(
      [
        async () => 1,
        async () => {
          throw new Error("boom");
        },
        async () => 3,
      ],
      { concurrency: 1 },
    );
    expect(outcomes[0]).toEqual({ status: "fulfilled", value: 1 });
    expect(outcomes[1]).toMatchObject({
      status: "rejected",
      reason: expect.objectContaining({ message: "boom" }),
    });
    expect(outcomes[2]).toEqual({ status: "fulfilled", value: 3 });
  });

  it("starts nothing more once the signal is aborted", async () => {
    const controller = new AbortController();
    const ran: number[] = [];
    const tasks = [0, 1, 2, 3].map((index) => async () => {
      ran.push(index);
      if (index === 1) controller.abort();
    });
    const outcomes = await runPool(tasks, { concurrency: 1, signal: controller.signal });
    expect(ran).toEqual([0, 1]);
    expect(outcomes.slice(2)).toEqual([{ status: "skipped" }, { status: "skipped" }]);
  });
});
