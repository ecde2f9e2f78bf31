import { agent, dtmf, user } from "@scenario/script";
import {
  AgentCallError,
  ScenarioError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import type { PipecatReply } from "@scenario/testing/pipecat";
import { transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { pipecatAgent } from "../src";
import { fakePipecatBot, noiseAudio, runScenario } from "./pipecat-test-helpers";

const HEALTHY: PipecatReply = { transcript: "All good here.", audio: noiseAudio(600, 3) };

/** A bot whose reply depends on what the caller typed, so one fake serves healthy and faulty calls at once. */
async function botWithFaults() {
  return fakePipecatBot({
    paceFactor: 4,
    reply: ({ userTranscript }) => {
      switch (userTranscript) {
        case "close":
          return { ...HEALTHY, audio: noiseAudio(2000, 4), fault: { type: "close", afterFrames: 3 } };
        case "malformed":
          return { ...HEALTHY, fault: { type: "malformed", afterFrames: 2 } };
        case "error":
          return { ...HEALTHY, fault: { type: "error", afterFrames: 1, message: "LLM quota exceeded" } };
        case "silence":
          return { ...HEALTHY, fault: { type: "silence" } };
        default:
          return HEALTHY;
      }
    },
  });
}

/** The error a failed agent turn was caused by. */
function causeOf(error: unknown): unknown {
  expect(error).toBeInstanceOf(AgentCallError);
  return (error as AgentCallError).cause;
}

describe("Pipecat bot faults give typed errors, never a hang, and leave other calls alone", () => {
  it("close mid-reply, malformed frame, RTVI error and silence, each beside healthy calls to the same bot", async () => {
    const bot = await botWithFaults();
    // Text turns (RTVI send-text) carry the caller's words to the bot's policy.
    const call = (line: string) =>
      runScenario([pipecatAgent({ url: bot.url, firstAudioTimeoutMs: 1500 })], [user(line), agent()]);
    const startedAt = performance.now();
    const [closed, malformed, failed, silent, healthyA, healthyB] = await Promise.all([
      call("close"),
      call("malformed"),
      call("error"),
      call("silence"),
      call("hello"),
      call("hello again"),
    ]);
    // Bounded: the slowest is the first-audio timeout.
    expect(performance.now() - startedAt).toBeLessThan(10_000);

    const closedCause = causeOf(closed.error);
    expect(closedCause).toBeInstanceOf(VoiceStreamEndedError);
    expect((closedCause as Error).message).toMatch(/closed in the middle of a reply.*code 1011/);

    const malformedCause = causeOf(malformed.error);
    expect(malformedCause).toBeInstanceOf(VoiceServerError);
    expect((malformedCause as Error).message).toMatch(/malformed frame/);

    const failedCause = causeOf(failed.error);
    expect(failedCause).toBeInstanceOf(VoiceServerError);
    expect((failedCause as Error).message).toMatch(/reported an error \(fatal\): LLM quota exceeded/);

    const silentCause = causeOf(silent.error);
    expect(silentCause).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    expect(ScenarioError.isInstance(silentCause)).toBe(true);

    for (const healthy of [healthyA, healthyB]) {
      expect(healthy.error).toBeUndefined();
      const reply = healthy.result!.messages.filter((message) => message.role === "assistant").at(-1);
      expect(transcriptOf(reply!)).toBe("All good here.");
    }
    expect(bot.connections).toHaveLength(6);
  }, 30_000);

  it("a bot that never answers client-ready fails the connect with a hint, within connectTimeoutMs", async () => {
    const bot = await fakePipecatBot({ rtvi: false });
    const { error } = await runScenario(
      [pipecatAgent({ url: bot.url, connectTimeoutMs: 300 })],
      [user("hi"), agent()],
    );
    // The configured deadline is the one that fired (the default is far longer than the test's).
    expect(String((error as Error).message)).toContain("within 300 ms");
    const cause = error instanceof AgentCallError ? error.cause : error;
    expect(cause).toBeInstanceOf(VoiceServerError);
    expect((cause as Error).message).toMatch(/did not answer RTVI client-ready.*rtvi: false/);
  });

  it("a dtmf() step fails before the call starts: Pipecat's protobuf serializer carries no DTMF", async () => {
    const bot = await fakePipecatBot();
    const { error } = await runScenario([pipecatAgent({ url: bot.url })], [dtmf("1#"), agent()]);
    expect(error).toBeInstanceOf(VoiceUnsupportedError);
    expect((error as Error).message).toMatch(
      /PipecatAgent does not support it \(capabilities\.dtmf is false\)/,
    );
    expect(bot.connections).toHaveLength(0);
  });

  it("an unreachable bot fails the connect with VoiceServerError", async () => {
    const bot = await fakePipecatBot();
    const url = bot.url;
    await bot.close();
    const { error } = await runScenario([pipecatAgent({ url })], [user("hi"), agent()]);
    const cause = error instanceof AgentCallError ? error.cause : error;
    expect(cause).toBeInstanceOf(VoiceServerError);
    expect((cause as Error).message).toMatch(
      /Could not connect to the Pipecat bot at ws:\/\/127\.0\.0\.1:\d+\/ws/,
    );
  });
});
