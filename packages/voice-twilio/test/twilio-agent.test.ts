import { agent, dtmf, succeed, user } from "@scenario/script";
import {
  AgentCallError,
  ConfigurationError,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
} from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { type TextToSpeechProvider, toWireAudio } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { twilioAgent, twilioCapabilities } from "../src";
import {
  byteDifference,
  fakeTwilioBot,
  noiseMulaw,
  runScenario,
  speechSpanFrames,
  voiceRecordingOf,
} from "./twilio-test-helpers";

/** Speaks scripted user text as speech-like tones at once: no trailing silence to blur timings. */
const syntheticTts: TextToSpeechProvider = {
  id: "synthetic",
  async synthesize(text) {
    return { data: syntheticSpeech(text), transcript: text };
  },
};

const REPLIES = [
  { transcript: "Your balance is forty two dollars.", audio: noiseMulaw(600, 1) },
  { transcript: "You are welcome. Goodbye.", audio: noiseMulaw(400, 2) },
];

describe("twilioAgent: a call through the real executor", () => {
  it("answers after the bot's think time, measured from the end of the caller's audio, and records the bot's μ-law byte for byte", async () => {
    const bot = await fakeTwilioBot({ thinkTimeMs: 400, vad: { silenceDurationMs: 250 }, reply: REPLIES });
    const { result, error } = await runScenario(
      [
        twilioAgent({
          url: bot.url,
          speech: syntheticTts,
          silenceTailMs: 600,
          customParameters: { customer: "42" },
          headers: { "x-twilio-signature": "signed" },
        }),
      ],
      [user("I would like to check my balance"), agent(), user("Thanks"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    const recording = voiceRecordingOf(result);

    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    expectFirstAudioFromRecording(recording, 400 - 50);

    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(2);
    agentSegments.forEach((segment, index) => {
      expect(segment.wireAudio?.format).toMatchObject({ encoding: "mulaw", sampleRateHz: 8000 });
      expect(byteDifference(segment.wireAudio!.data, REPLIES[index]!.audio)).toBeUndefined();
    });

    // The bot saw a well-formed Twilio stream: start with its parameters, 20 ms frames, stop.
    expect(bot.violations).toEqual([]);
    const connection = bot.connections[0]!;
    expect(connection.start).toMatchObject({
      tracks: ["inbound"],
      customParameters: { customer: "42" },
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    });
    expect(connection.start!.streamSid).toMatch(/^MZ[0-9a-f]{32}$/);
    expect(connection.start!.callSid).toMatch(/^CA[0-9a-f]{32}$/);
    expect(connection.headers["x-twilio-signature"]).toBe("signed");
    expect(bot.received.map((frame) => frame.event).slice(0, 2)).toEqual(["connected", "start"]);
    await bot.waitFor(() => connection.closedAtMs !== undefined);
    expect(bot.received.at(-1)?.event).toBe("stop");
    const media = bot.received.filter((frame) => frame.event === "media");
    const timestamps = media.map((frame) => Number((frame.message.media as { timestamp: string }).timestamp));
    expect(timestamps.every((timestamp, index) => timestamp === index * 20)).toBe(true);

    // The bot heard the caller's words whole: as long as they were spoken (the driver resamples in
    // chunks, so bytes differ a little), with the line's silence after them, never cut into them.
    expect(bot.turns).toHaveLength(2);
    const spoken = toWireAudio(
      syntheticSpeech("I would like to check my balance"),
      twilioCapabilities.inputAudioFormat,
    );
    expect(speechSpanFrames(spoken)).toBe(96);
    expect(Math.abs(speechSpanFrames(bot.turns[0]!.audio) - 96)).toBeLessThanOrEqual(1);

    // Its marks came back once their audio had played.
    expect(bot.marks).toHaveLength(2);
    for (const mark of bot.marks) expect(mark.echoedAtMs).toBeDefined();
    const markEvents = recording.timeline.filter((event) => event.type === "mark");
    expect(markEvents.map((event) => event.details?.name)).toEqual(bot.marks.map((mark) => mark.name));
  });

  it("hears a bot that speaks first: its greeting, then the caller's turn", async () => {
    const greeting = { transcript: "Welcome to the bank.", audio: noiseMulaw(500, 13) };
    const bot = await fakeTwilioBot({ greeting, reply: REPLIES, vad: { silenceDurationMs: 250 } });
    const { result, error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 500 })],
      [agent(), user("Check my balance"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const recording = voiceRecordingOf(result);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["agent", "user", "agent"]);
    const [first, , second] = recording.segments;
    expect(byteDifference(first!.wireAudio!.data, greeting.audio)).toBeUndefined();
    // The greeting was the bot's reply 0, so the list's second entry answers the caller.
    expect(byteDifference(second!.wireAudio!.data, REPLIES[1]!.audio)).toBeUndefined();
    expect(bot.replies.map((reply) => reply.trigger)).toEqual(["greeting", "speech"]);
  });

  it("sends DTMF digits as dtmf events the bot receives", async () => {
    const bot = await fakeTwilioBot({
      reply: (context) => ({ transcript: `You pressed ${context.digits}`, audio: noiseMulaw(200, 3) }),
    });
    const { result, error } = await runScenario(
      [twilioAgent({ url: bot.url, silenceTailMs: 400 })],
      [dtmf("1#"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(bot.dtmf.map((entry) => [entry.digit, entry.track])).toEqual([
      ["1", "inbound_track"],
      ["#", "inbound_track"],
    ]);
    expect(bot.replies[0]).toMatchObject({ trigger: "dtmf", transcript: "You pressed 1#" });
    expect(bot.violations).toEqual([]);
  });
});

describe("twilioAgent: Twilio's playback", () => {
  it("echoes a bot's mark once the audio before it has played, not when it arrives", async () => {
    // The bot dumps 600 ms of audio and its mark at once, as bots streaming TTS output do.
    const bot = await fakeTwilioBot({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: { transcript: "quick", audio: noiseMulaw(600, 11) },
    });
    const { error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 900 })],
      [user("Hello there"), agent(), succeed()],
    );
    expect(error).toBeUndefined();
    const [mark] = bot.marks;
    expect(mark?.echoedAtMs).toBeDefined();
    // Twilio starts playing at the first frame and plays in real time.
    const playedFor = mark!.echoedAtMs! - bot.replies[0]!.firstFrameAtMs!;
    expect(playedFor).toBeGreaterThanOrEqual(600);
    expect(playedFor).toBeLessThan(600 + 100);
    expect(bot.replies[0]!.outcome).toBe("completed");
  });
});

describe("twilioAgent: faults give typed errors", () => {
  const ask = [user("Hello there"), agent(), succeed()];

  it("VoiceStreamEndedError when the bot closes mid-reply", async () => {
    const bot = await fakeTwilioBot({ reply: { transcript: "cut", audio: noiseMulaw(1000, 4) } });
    bot.injectFault({ type: "close", afterFrames: 5 });
    const { error } = await runScenario([twilioAgent({ url: bot.url, speech: syntheticTts })], ask);
    expect(error).toBeInstanceOf(AgentCallError);
    expect((error as AgentCallError).cause).toBeInstanceOf(VoiceStreamEndedError);
    expect(String((error as Error).message)).toMatch(/code 1011/);
  });

  it("VoiceStreamEndedError when the bot's connection drops without a close frame", async () => {
    const bot = await fakeTwilioBot({ reply: { transcript: "cut", audio: noiseMulaw(1000, 14) } });
    bot.injectFault({ type: "close", afterFrames: 5, abrupt: true });
    const { error } = await runScenario([twilioAgent({ url: bot.url, speech: syntheticTts })], ask);
    expect((error as AgentCallError).cause).toBeInstanceOf(VoiceStreamEndedError);
    expect(String((error as Error).message)).toMatch(/code 1006/);
  });

  it("VoiceServerError when the bot sends a malformed frame", async () => {
    const bot = await fakeTwilioBot({ reply: { transcript: "broken", audio: noiseMulaw(1000, 5) } });
    bot.injectFault({ type: "malformed", afterFrames: 2 });
    const { error } = await runScenario([twilioAgent({ url: bot.url, speech: syntheticTts })], ask);
    expect((error as AgentCallError).cause).toBeInstanceOf(VoiceServerError);
    expect(String((error as Error).message)).toContain("a frame that is not JSON");
  });

  it("VoiceFirstAudioTimeoutError when the bot never answers", async () => {
    const bot = await fakeTwilioBot();
    bot.injectFault({ type: "silence" });
    const { error } = await runScenario(
      [twilioAgent({ url: bot.url, speech: syntheticTts, firstAudioTimeoutMs: 1500 })],
      ask,
    );
    expect((error as AgentCallError).cause).toBeInstanceOf(VoiceFirstAudioTimeoutError);
    // The configured deadline is the one that fired.
    expect(String(((error as AgentCallError).cause as Error).message)).toContain("within 1500 ms");
  });

  it("VoiceServerError when nothing listens at the URL", async () => {
    const bot = await fakeTwilioBot();
    const { error, events } = await runScenario(
      [twilioAgent({ url: bot.url.replace(/:\d+\//, ":1/"), speech: syntheticTts })],
      ask,
    );
    expect(error).toBeDefined();
    expect(JSON.stringify(events)).toMatch(
      /TwilioAgent could not connect to ws:\/\/127\.0\.0\.1:1\/media-stream/,
    );
  });

  it("a call that fails leaves the other calls of the run unaffected", async () => {
    // One bot, three concurrent calls; the call's <Parameter> decides how the bot misbehaves.
    const bot = await fakeTwilioBot({
      reply: (context) => {
        const audio = noiseMulaw(600, context.connectionId + 10);
        const role = context.start?.customParameters.role;
        if (role === "crash") return { transcript: "cut", audio, fault: { type: "close", afterFrames: 3 } };
        if (role === "garble")
          return { transcript: "broken", audio, fault: { type: "malformed", afterFrames: 3 } };
        return { transcript: "Fine, thanks.", audio };
      },
    });
    const callAs = (role: string) =>
      runScenario(
        [twilioAgent({ url: bot.url, speech: syntheticTts, silenceTailMs: 500, customParameters: { role } })],
        ask,
      );
    const [crashed, garbled, fine] = await Promise.all([callAs("crash"), callAs("garble"), callAs("fine")]);
    expect((crashed.error as AgentCallError).cause).toBeInstanceOf(VoiceStreamEndedError);
    expect((garbled.error as AgentCallError).cause).toBeInstanceOf(VoiceServerError);
    expect(fine.error).toBeUndefined();
    expect(fine.result?.status).toBe("SUCCESS");
    const fineConnection = bot.connections.find(
      (connection) => connection.start?.customParameters.role === "fine",
    )!;
    const fineReply = bot.replies.find((reply) => reply.connectionId === fineConnection.id)!;
    const agentSegment = voiceRecordingOf(fine.result).segments.find(
      (segment) => segment.speaker === "agent",
    );
    expect(byteDifference(agentSegment!.wireAudio!.data, fineReply.audio!)).toBeUndefined();
  });

  it("uses an injected WebSocket constructor", async () => {
    const bot = await fakeTwilioBot({ reply: { transcript: "hi", audio: noiseMulaw(200, 12) } });
    const sent: string[] = [];
    class RecordingWebSocket extends WebSocket {
      override send(data: string): void {
        sent.push(JSON.parse(data).event);
        super.send(data);
      }
    }
    const { error } = await runScenario(
      [
        twilioAgent({
          url: bot.url,
          speech: syntheticTts,
          silenceTailMs: 400,
          WebSocket: RecordingWebSocket,
        }),
      ],
      ask,
    );
    expect(error).toBeUndefined();
    expect(sent.slice(0, 2)).toEqual(["connected", "start"]);
    expect(sent.at(-1)).toBe("stop");
    await bot.waitFor(() => bot.received.length === sent.length);
    expect(bot.received.map((frame) => frame.event)).toEqual(sent);
  });

  it("rejects a missing or non-WebSocket url", () => {
    expect(() => twilioAgent({ url: "http://example.com" })).toThrow(ConfigurationError);
    expect(() => twilioAgent({} as never)).toThrow(/needs `url`/);
  });
});
