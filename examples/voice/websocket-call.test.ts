import { runScenario } from "@scenario/kit";
import { describe, expect, it } from "vitest";
import { expectTwoAnsweredTurns, useVoiceServers } from "./voice-call-test-helpers";
import { startWebSocketVoice, WEBSOCKET_AGENT_LINES } from "./websocket-agent";
import websocketCall from "./websocket-call.scenario";

describe("examples/voice: a home-made voice agent over the Scenario voice protocol", () => {
  useVoiceServers(startWebSocketVoice, "scenario-websocket-demo-");

  it("runs offline: two voice turns, the agent's lines on the recording, and a verdict", async () => {
    const recording = expectTwoAnsweredTurns(await runScenario(websocketCall));
    expect(
      recording.segments.filter((segment) => segment.speaker === "agent").map((s) => s.transcript),
    ).toEqual(WEBSOCKET_AGENT_LINES);
  }, 60_000);
});
