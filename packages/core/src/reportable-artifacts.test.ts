import { describe, expect, it } from "vitest";
import { reportableArtifacts, withReportableArtifacts } from "./reportable-artifacts";

describe("reportableArtifacts", () => {
  it("keeps plain JSON artifacts and leaves out binary and non-JSON ones", () => {
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    const reportable = reportableArtifacts({
      redTeam: { scores: [1, 2.5, null], nested: { ok: true, skipped: undefined } },
      voice: { audio: new Uint8Array([1, 2, 3]) },
      buffer: new ArrayBuffer(4),
      when: new Date(0),
      callback: () => 1,
      infinite: Number.POSITIVE_INFINITY,
      cyclic,
    });
    expect(reportable).toEqual({
      redTeam: { scores: [1, 2.5, null], nested: { ok: true, skipped: undefined } },
    });
  });

  it("adds nothing to the event when no artifact qualifies", () => {
    expect(withReportableArtifacts({})).toEqual({});
    expect(withReportableArtifacts({ audio: new Uint8Array(1) })).toEqual({});
    expect(withReportableArtifacts({ latency: { p50Ms: 120 } })).toEqual({
      artifacts: { latency: { p50Ms: 120 } },
    });
  });
});
