import { runScenario } from "@scenario/kit";
import { describe, expect, it } from "vitest";
import { PIPECAT_BOT_LINES, startPipecatVoice } from "./pipecat-bot";
import pipecatCall from "./pipecat-call.scenario";
import { expectTwoAnsweredTurns, useVoiceServers } from "./voice-call-test-helpers";

describe("examples/voice: a Pipecat bot over its WebSocket transport", () => {
  const servers = useVoiceServers(startPipecatVoice, "scenario-pipecat-demo-");

  it("runs offline: two voice turns ended by the bot's VAD, its lines on the recording, and a verdict", async () => {
    const recording = expectTwoAnsweredTurns(await runScenario(pipecatCall));
    expect(
      recording.segments.filter((segment) => segment.speaker === "agent").map((s) => s.transcript),
    ).toEqual(PIPECAT_BOT_LINES);
    expect(servers().bot.turns.map((turn) => turn.source)).toEqual(["speech", "speech"]);
  }, 60_000);
});
