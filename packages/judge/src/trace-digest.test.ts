import { ConfigurationError, type TraceSpanRecord } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { judgeAgent } from "./judge-agent";
import { expandTrace, grepTrace, renderTraceDigest } from "./trace-digest";

function span(spanId: string, name: string, extra: Partial<TraceSpanRecord> = {}): TraceSpanRecord {
  return {
    spanId,
    name,
    startTimeMs: 1000,
    durationMs: 12,
    status: "unset",
    attributes: {},
    events: [],
    ...extra,
  };
}

const CALL = span("a000000000000001", "scenario.agent-call Agent", {
  attributes: { "scenario.span.kind": "agent-call", "scenario.turn": 2, "scenario.role": "Agent" },
});
const TOOL = span("a000000000000002", "tool refund_api", {
  parentSpanId: CALL.spanId,
  startTimeMs: 1001,
  attributes: { "tool.input": "x".repeat(500), "scenario.run.id": "run-1" },
});
const FAILED = span("a000000000000003", "tool email", {
  parentSpanId: CALL.spanId,
  startTimeMs: 1002,
  status: "error",
  statusMessage: "SMTP refused",
});

describe("renderTraceDigest()", () => {
  it("shows the tree with ids, turn, durations, errors and truncated values, without scenario.* attributes", () => {
    const digest = renderTraceDigest([FAILED, TOOL, CALL], { maxTokens: 1000 });
    const lines = digest.split("\n");
    expect(lines[0]).toBe("[a000000000000001] agent call (turn 2) 12ms");
    expect(lines[1]).toMatch(
      /^ {2}\[a000000000000002\] tool refund_api 12ms tool\.input=x{120}… \(380 more chars\)$/,
    );
    expect(lines[2]).toBe("  [a000000000000003] tool email 12ms ERROR: SMTP refused");
    expect(digest).not.toContain("run-1");
  });

  it("stays within its token budget and says how many spans it left out", () => {
    const many = Array.from({ length: 200 }, (_, index) =>
      span(`b${String(index).padStart(15, "0")}`, `step ${index}`, { startTimeMs: index }),
    );
    const digest = renderTraceDigest(many, { maxTokens: 100 });
    expect(digest.length).toBeLessThanOrEqual(100 * 4 + 120);
    expect(digest).toMatch(
      /… \d+ more span\(s\) not shown \(digest budget\)\. Use grep_trace or expand_trace/,
    );
  });

  it("says when the agent recorded no spans", () => {
    expect(renderTraceDigest([], { maxTokens: 100 })).toBe("(The agent recorded no spans in this run.)");
  });
});

describe("expandTrace() and grepTrace()", () => {
  it("expands a span in full and names an unknown id", () => {
    const expanded = expandTrace([TOOL], [TOOL.spanId, "ffffffffffffffff"]);
    expect(expanded).toContain(`tool.input = ${"x".repeat(500)}`);
    expect(expanded).toContain("No span with id ffffffffffffffff.");
  });

  it("counts matching spans, by regular expression or by literal text when the pattern is not one", () => {
    const spans = [CALL, TOOL, FAILED];
    expect(grepTrace(spans, "refund|email")).toMatch(/^2 span\(s\) match/);
    expect(grepTrace(spans, "smtp")).toMatch(/^1 span\(s\) match/);
    expect(grepTrace(spans, "refund_api(")).toMatch(/^0 spans match/);
  });
});

describe("judgeAgent({ traces })", () => {
  it("rejects a budget too small to show a span, saying what it takes", () => {
    expect(() => judgeAgent({ criteria: ["c"], traces: { maxTokens: 5 } })).toThrow(ConfigurationError);
    expect(() => judgeAgent({ criteria: ["c"], traces: { maxTokens: 5 } })).toThrow(/at least 100/);
    expect(() => judgeAgent({ criteria: ["c"], traces: { maxTokens: 2000 } })).not.toThrow();
    expect(() => judgeAgent({ criteria: ["c"], traces: true })).not.toThrow();
  });
});
