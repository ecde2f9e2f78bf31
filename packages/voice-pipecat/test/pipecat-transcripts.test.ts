import { agent, user } from "@scenario/script";
import { fliteSpeech, transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { pipecatAgent } from "../src";
import { agentSegments, fakePipecatBot, runScenario, voiceRecordingOf } from "./pipecat-test-helpers";

const speech = fliteSpeech();
const REPLIES = ["Hello, this is the bank.", "Your card is now blocked."];

/** The caller's words as the bot recognised them, from the timeline. */
function userTranscripts(timeline: { type: string; details?: Record<string, unknown> }[]): unknown[] {
  return timeline.filter((event) => event.type === "user-transcript").map((event) => event.details?.text);
}

describe("Pipecat transcripts", () => {
  it("come from the bot's protobuf frames (TextFrame, TranscriptionFrame) when it speaks no RTVI", async () => {
    let heard = 0;
    const bot = await fakePipecatBot({
      rtvi: false,
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: () => `caller line ${++heard}`,
      reply: REPLIES,
    });
    const { result, error } = await runScenario(
      [pipecatAgent({ url: bot.url, rtvi: false, speech, silenceTailMs: 400 })],
      [user("Hi there"), agent(), user("Please block my card"), agent()],
    );
    expect(error).toBeUndefined();
    expect(bot.sent.some((record) => record.kind === "message")).toBe(false);
    const assistant = result!.messages.filter((message) => message.role === "assistant");
    expect(assistant.map(transcriptOf)).toEqual(REPLIES);
    const recording = voiceRecordingOf(result);
    expect(agentSegments(recording).map((segment) => segment.transcript)).toEqual(REPLIES);
    expect(userTranscripts(recording.timeline)).toEqual(["caller line 1", "caller line 2"]);
  });

  it("come from RTVI (bot-tts-text, user-transcription) when the bot sends no transcript frames, with speaking events", async () => {
    let heard = 0;
    const bot = await fakePipecatBot({
      transcriptFrames: false,
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: () => `caller line ${++heard}`,
      reply: REPLIES,
    });
    const { result, error } = await runScenario(
      [pipecatAgent({ url: bot.url, speech })],
      [user("Hi there"), agent(), user("Please block my card"), agent()],
    );
    expect(error).toBeUndefined();
    expect(bot.sent.some((record) => record.kind === "text" || record.kind === "transcription")).toBe(false);
    const assistant = result!.messages.filter((message) => message.role === "assistant");
    expect(assistant.map(transcriptOf)).toEqual(REPLIES);
    const recording = voiceRecordingOf(result);
    expect(userTranscripts(recording.timeline)).toEqual(["caller line 1", "caller line 2"]);
    // The bot's speaking events go on the timeline as far-side events.
    const farSide = recording.timeline
      .filter((event) => event.type.startsWith("far-side-speech"))
      .map((event) => `${event.type.replace("far-side-speech-", "")}:${String(event.details?.speaker)}`);
    expect(farSide).toEqual([
      "started:user",
      "stopped:user",
      "started:agent",
      "stopped:agent",
      "started:user",
      "stopped:user",
      "started:agent",
      "stopped:agent",
    ]);
  });

  it("reports the bot's function calls from RTVI as tool calls and results", async () => {
    const bot = await fakePipecatBot({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: {
        transcript: "Your card is blocked.",
        toolCalls: [{ name: "block_card", arguments: { last4: "4217" }, result: { blocked: true } }],
      },
    });
    const { result, error } = await runScenario(
      [pipecatAgent({ url: bot.url })],
      [user("Block my card"), agent()],
    );
    expect(error).toBeUndefined();
    const timeline = voiceRecordingOf(result).timeline;
    const call = timeline.find((event) => event.type === "tool-call");
    const toolResult = timeline.find((event) => event.type === "tool-result");
    expect(call).toMatchObject({ toolName: "block_card", details: { input: { last4: "4217" } } });
    expect(toolResult).toMatchObject({ toolName: "block_card", details: { output: { blocked: true } } });
    expect(call?.details?.callId).toBe(toolResult?.details?.callId);
    expect(JSON.stringify(result!.messages)).toContain('"toolName":"block_card"');
  });

  it("hears the bot's greeting when it speaks first", async () => {
    const bot = await fakePipecatBot({
      greeting: "Welcome to the bank.",
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "How can I help?",
    });
    const { result, error } = await runScenario(
      [pipecatAgent({ url: bot.url, speech })],
      [agent(), user("Hello"), agent()],
    );
    expect(error).toBeUndefined();
    const assistant = result!.messages.filter((message) => message.role === "assistant");
    expect(assistant.map(transcriptOf)).toEqual(["Welcome to the bank.", "How can I help?"]);
    expect(bot.replies.map((reply) => reply.trigger)).toEqual(["greeting", "speech"]);
  });
});
