import { describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { scenarioEventId, validateScenarioEvent } from "./index";

describe("scenarioEventId", () => {
  it("is the same for the same event however its keys are ordered, and after a JSON round trip", () => {
    const [started] = fakeRunEvents({ runId: "a" });
    const reordered = Object.fromEntries(Object.entries(started!).reverse()) as typeof started;
    const roundTripped = JSON.parse(JSON.stringify(started));
    const validation = validateScenarioEvent(roundTripped);
    expect(validation.success).toBe(true);
    const id = scenarioEventId(started!);
    expect(id).toMatch(/^evt_[0-9a-f]{32}$/);
    expect(scenarioEventId(reordered!)).toBe(id);
    expect(scenarioEventId(roundTripped)).toBe(id);
    if (validation.success) expect(scenarioEventId(validation.event)).toBe(id);
  });

  it("differs between events of a run, and between runs", () => {
    const ids = [...fakeRunEvents({ runId: "a" }), ...fakeRunEvents({ runId: "b" })].map(scenarioEventId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("keeps an id the emitter set", () => {
    const [started] = fakeRunEvents({ runId: "a" });
    expect(scenarioEventId({ ...started!, eventId: "from-the-emitter" })).toBe("from-the-emitter");
  });
});
