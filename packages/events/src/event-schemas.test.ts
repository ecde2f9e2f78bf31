import { describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { scenarioEventSchema, snapshotMessageSchema, validateScenarioEvent } from "./index";

describe("event schemas", () => {
  it("accept every event a run emits, keeping unknown extra fields", () => {
    for (const event of fakeRunEvents({ runId: "a", status: "FAILED" })) {
      expect(validateScenarioEvent(event)).toEqual({ success: true, event });
      expect(scenarioEventSchema.safeParse(event).success).toBe(true);
    }
    const [started] = fakeRunEvents({ runId: "a", metadata: { team: "payments" } });
    const withExtra = { ...started!, producer: "python" };
    expect(validateScenarioEvent(withExtra)).toEqual({ success: true, event: withExtra });
  });

  it("accept the AG-UI message shapes and refuse others", () => {
    expect(snapshotMessageSchema.safeParse({ id: "1", role: "assistant" }).success).toBe(true);
    expect(
      snapshotMessageSchema.safeParse({ id: "1", role: "tool", content: "42", toolCallId: "c1" }).success,
    ).toBe(true);
    expect(snapshotMessageSchema.safeParse({ id: "1", role: "tool", content: "42" }).success).toBe(false);
    expect(
      snapshotMessageSchema.safeParse({ id: "1", role: "user", content: [{ type: "text", text: "hi" }] })
        .success,
    ).toBe(false);
    expect(snapshotMessageSchema.safeParse({ id: "1", role: "robot", content: "x" }).success).toBe(false);
  });

  it("name what is wrong without quoting values", () => {
    const finished = fakeRunEvents({ runId: "a" }).at(-1)!;
    const broken = {
      ...finished,
      status: "sk-secret-status",
      results: { ...(finished as { results: object }).results, metCriteria: "x" },
    };
    const validation = validateScenarioEvent(broken);
    expect(validation.success).toBe(false);
    if (validation.success) return;
    expect(validation.error).toContain("status");
    expect(validation.error).toContain("results.metCriteria");
    expect(validation.error).not.toContain("sk-secret-status");
    expect(validateScenarioEvent({ type: "NOPE" })).toMatchObject({ success: false });
    expect(validateScenarioEvent("text")).toMatchObject({ success: false });
    const negative = validateScenarioEvent({ ...finished, timestamp: -1 });
    expect(negative).toMatchObject({ success: false });
  });
});
