import { runScenario } from "@scenario/kit";
import { describe, expect, it } from "vitest";
import { startTwilioVoice } from "./twilio-bot";
import twilioCall from "./twilio-call.scenario";
import { expectTwoAnsweredTurns, useVoiceServers } from "./voice-call-test-helpers";

describe("examples/voice: a phone bot over Twilio Media Streams", () => {
  const servers = useVoiceServers(startTwilioVoice, "scenario-twilio-demo-");

  it("runs offline: two turns ended by the bot's VAD, its μ-law on the recording, and a verdict", async () => {
    const recording = expectTwoAnsweredTurns(await runScenario(twilioCall));
    const { bot } = servers();
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments.map((segment) => segment.wireAudio?.data.byteLength)).toEqual(
      bot.replies.map((reply) => reply.audio?.byteLength),
    );
    expect(bot.connections[0]?.start?.customParameters).toEqual({ caller: "+15550100" });
    expect(bot.violations).toEqual([]);
  }, 60_000);
});
