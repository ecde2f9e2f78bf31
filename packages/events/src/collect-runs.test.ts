import { describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { collectRuns } from "./index";

describe("collectRuns", () => {
  it("counts a run's turns from 1, while events count them from 0", () => {
    // The fixture's last snapshot is in turn 1 (events count from 0).
    const [run] = collectRuns(fakeRunEvents({ runId: "1" }));
    expect(run?.turns).toBe(2);
  });
});
