import { encodeAudio } from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { syntheticSpeech } from "../realtime/synthetic-speech";
import { type FakeTwilioBot, type FakeTwilioBotOptions, startFakeTwilioBot } from "./fake-twilio-bot";
import {
  connectRawCaller,
  delay,
  mulawSilence,
  type RawTwilioCaller,
  receivedAudio,
} from "./twilio-test-client";

const bots: FakeTwilioBot[] = [];
const callers: RawTwilioCaller[] = [];

afterEach(async () => {
  for (const caller of callers.splice(0)) caller.close();
  await Promise.all(bots.splice(0).map((bot) => bot.close()));
});

async function startBot(options: FakeTwilioBotOptions = {}): Promise<FakeTwilioBot> {
  const bot = await startFakeTwilioBot(options);
  bots.push(bot);
  return bot;
}

async function call(bot: FakeTwilioBot, headers?: Record<string, string>): Promise<RawTwilioCaller> {
  const caller = await connectRawCaller(bot.url, headers === undefined ? {} : { headers });
  callers.push(caller);
  return caller;
}

/** Speech-like μ-law audio for a line of text. */
function speech(text: string): Uint8Array {
  return encodeAudio(syntheticSpeech(text), "mulaw-8khz");
}

function pattern(byteLength: number, seed: number): Uint8Array {
  // Loud-ish μ-law bytes (low codes are large magnitudes), distinct per seed.
  return Uint8Array.from({ length: byteLength }, (_, index) => (index * 7 + seed) % 0x60);
}

describe("startFakeTwilioBot: the stream", () => {
  it("listens on 127.0.0.1, records the caller's start and redacts credentials", async () => {
    const bot = await startBot();
    expect(bot.url).toMatch(/^ws:\/\/127\.0\.0\.1:\d+\/media-stream$/);
    const caller = await call(bot, { authorization: "Bearer secret-token", "x-trace": "t1" });
    caller.start({ customer: "42", language: "en" });
    const connection = await bot.waitFor(() => bot.connections[0]?.start && bot.connections[0]);
    expect(connection.start).toMatchObject({
      streamSid: caller.streamSid,
      tracks: ["inbound"],
      customParameters: { customer: "42", language: "en" },
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    });
    expect(connection.headers.authorization).toBe("Bearer [redacted]");
    expect(connection.headers["x-trace"]).toBe("t1");
    expect(bot.violations).toEqual([]);
  });

  it("answers a turn after the VAD hears its end: paced 20 ms media frames, then a mark", async () => {
    const replyAudio = pattern(8 * 300, 3); // 300 ms
    const bot = await startBot({ reply: { transcript: "Hello", audio: replyAudio } });
    const caller = await call(bot);
    caller.start();
    await caller.media(speech("I would like to check my balance"));
    await caller.media(mulawSilence(600));
    const mark = await caller.next("mark");
    const frames = caller.ofEvent("media");
    expect(frames).toHaveLength(15);
    for (const frame of frames) {
      expect(frame.message.streamSid).toBe(caller.streamSid);
      expect(
        Buffer.from(String((frame.message.media as { payload: string }).payload), "base64"),
      ).toHaveLength(160);
    }
    expect(receivedAudio(frames).equals(Buffer.from(replyAudio))).toBe(true);
    // Real time: the 15th frame leaves 14 x 20 ms after the first.
    expect(frames.at(-1)!.atMs - frames[0]!.atMs).toBeGreaterThanOrEqual(270);
    expect(mark.message).toMatchObject({ event: "mark", streamSid: caller.streamSid });
    expect(bot.turns).toHaveLength(1);
    expect(bot.replies[0]).toMatchObject({ outcome: "in_progress", frameCount: 15, trigger: "speech" });
    // The bot talks until the caller echoes its mark (the audio has played).
    caller.mark(String((mark.message.mark as { name: string }).name));
    await bot.waitFor(() => bot.replies[0]!.outcome === "completed");
    expect(bot.marks[0]!.echoedAtMs).toBeGreaterThan(bot.marks[0]!.sentAtMs);
    expect(bot.violations).toEqual([]);
  });

  it("waits its think time after the end of the caller's speech", async () => {
    const bot = await startBot({ thinkTimeMs: 300, vad: { silenceDurationMs: 200 } });
    const caller = await call(bot);
    caller.start();
    const speechEndedAt = await caller.media(speech("hello there"), { paced: true });
    await caller.media(mulawSilence(400), { paced: true });
    const first = await caller.next("media");
    // On the bot's clock: from the last voiced frame's arrival to the first reply frame.
    const reply = bot.replies[0]!;
    expect(reply.thinkFromMs).toBe(bot.turns[0]!.speechEndedAtMs);
    expect(reply.firstFrameAtMs! - reply.thinkFromMs).toBeGreaterThanOrEqual(300);
    expect(reply.firstFrameAtMs! - reply.thinkFromMs).toBeLessThan(350);
    // And as the caller saw it (its paced sends run a little behind, never ahead).
    expect(first.atMs - speechEndedAt).toBeGreaterThanOrEqual(280);
  });

  it("passes the policy the caller's audio, byte for byte, and numbers the turns", async () => {
    const seen: Array<{ bytes: number; turnIndex: number; trigger: string }> = [];
    const bot = await startBot({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: (context) => {
        seen.push({
          bytes: context.callerAudio.byteLength,
          turnIndex: context.turnIndex,
          trigger: context.trigger,
        });
        return { transcript: "ok", audio: pattern(160, context.turnIndex) };
      },
    });
    const caller = await call(bot);
    caller.start();
    const words = speech("first turn");
    await caller.media(words);
    await caller.media(mulawSilence(600));
    const mark = await caller.next("mark");
    caller.mark(String((mark.message.mark as { name: string }).name));
    await caller.media(speech("second turn"));
    await caller.media(mulawSilence(600));
    await caller.next("mark", { count: 2 });
    expect(seen.map(({ turnIndex, trigger }) => [turnIndex, trigger])).toEqual([
      [0, "speech"],
      [1, "speech"],
    ]);
    // The turn holds the speech and the silence the VAD waited for (minus nothing: it began at the stream's start).
    expect(bot.turns[0]!.audio.byteLength).toBe(seen[0]!.bytes);
    expect(Buffer.from(bot.turns[0]!.audio.subarray(0, words.byteLength)).equals(Buffer.from(words))).toBe(
      true,
    );
  });

  it("speaks a greeting when the stream starts", async () => {
    const bot = await startBot({ greeting: "Welcome to the bank.", paceFactor: Number.POSITIVE_INFINITY });
    const caller = await call(bot);
    caller.start();
    await caller.next("mark");
    expect(bot.replies[0]).toMatchObject({ trigger: "greeting", transcript: "Welcome to the bank." });
    expect(receivedAudio(caller.ofEvent("media")).byteLength).toBe(bot.replies[0]!.audio!.byteLength);
  });
});

describe("startFakeTwilioBot: barge-in and DTMF", () => {
  it("sends clear when the caller talks over its reply, then answers the new turn", async () => {
    const bot = await startBot({
      reply: [{ transcript: "long", audio: pattern(8 * 3000, 1) }, "short answer"],
      vad: { silenceDurationMs: 300 },
    });
    const caller = await call(bot);
    caller.start();
    await caller.media(speech("tell me everything"));
    await caller.media(mulawSilence(400));
    await caller.next("media", { count: 10 });
    const bargeInAt = performance.now();
    await caller.media(speech("stop please"), { paced: true });
    const clear = await caller.next("clear");
    expect(clear.message).toEqual({ event: "clear", streamSid: caller.streamSid });
    // Heard after minSpeechMs (40 ms) of speech: well before the barge-in audio ends.
    expect(clear.atMs - bargeInAt).toBeLessThan(150);
    expect(bot.clears).toHaveLength(1);
    expect(bot.replies[0]!.outcome).toBe("cleared");
    const framesAtClear = caller.ofEvent("media").length;
    await caller.media(mulawSilence(400), { paced: true });
    await bot.waitFor(() => bot.replies[1]?.firstFrameAtMs);
    expect(bot.turns[1]).toMatchObject({ bargeIn: true });
    expect(bot.replies[1]!.transcript).toBe("short answer");
    expect(caller.ofEvent("media").length).toBeGreaterThan(framesAtClear);
  });

  it("talks on over the caller when bargeIn is off", async () => {
    const bot = await startBot({
      bargeIn: false,
      reply: { transcript: "long", audio: pattern(8 * 600, 1) },
      vad: { silenceDurationMs: 300 },
    });
    const caller = await call(bot);
    caller.start();
    await caller.media(speech("question"));
    await caller.media(mulawSilence(400));
    await caller.next("media");
    await caller.media(speech("interrupting"), { paced: true });
    await caller.next("mark");
    expect(caller.ofEvent("clear")).toEqual([]);
    expect(bot.replies[0]!.frameCount).toBe(30);
  });

  it("logs DTMF digits and takes them as a turn at '#'", async () => {
    const bot = await startBot({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: (context) => ({ transcript: `You pressed ${context.digits}` }),
    });
    const caller = await call(bot);
    caller.start();
    caller.dtmf("1");
    caller.dtmf("2");
    caller.dtmf("#");
    await caller.next("mark");
    expect(bot.dtmf.map((entry) => [entry.digit, entry.track])).toEqual([
      ["1", "inbound_track"],
      ["2", "inbound_track"],
      ["#", "inbound_track"],
    ]);
    expect(bot.replies[0]).toMatchObject({ trigger: "dtmf", transcript: "You pressed 12#" });
    expect(bot.violations).toEqual([]);
  });
});

describe("startFakeTwilioBot: faults", () => {
  async function askOnce(bot: FakeTwilioBot): Promise<RawTwilioCaller> {
    const caller = await call(bot);
    caller.start();
    await caller.media(speech("hello"));
    await caller.media(mulawSilence(600));
    return caller;
  }

  it("closes mid-reply with code 1011 after the given frames", async () => {
    const bot = await startBot({ paceFactor: 10 });
    bot.injectFault({ type: "close", afterFrames: 3 });
    const caller = await askOnce(bot);
    const closed = await caller.closed;
    expect(closed.code).toBe(1011);
    expect(caller.ofEvent("media")).toHaveLength(3);
    expect(bot.replies[0]!.outcome).toBe("connection-closed");
  });

  it("sends a malformed frame", async () => {
    const bot = await startBot({ paceFactor: 10 });
    bot.injectFault({ type: "malformed", afterFrames: 1 });
    const caller = await askOnce(bot);
    const invalid = await caller.next("(invalid)");
    expect(invalid.raw).toBe('{"event": "media", "media": ');
    expect(bot.replies[0]!.outcome).toBe("malformed");
  });

  it("stays silent for one turn, then answers the next", async () => {
    const bot = await startBot({ paceFactor: Number.POSITIVE_INFINITY });
    bot.injectFault({ type: "silence" });
    const caller = await askOnce(bot);
    await bot.waitFor(() => bot.replies[0]?.outcome === "silent");
    await delay(50);
    expect(caller.ofEvent("media")).toEqual([]);
    await caller.media(speech("anyone there"));
    await caller.media(mulawSilence(600));
    await caller.next("mark");
    expect(bot.replies[1]!.outcome).toBe("in_progress");
  });
});

describe("startFakeTwilioBot: protocol checks", () => {
  it("records what a caller gets wrong", async () => {
    const bot = await startBot();
    const caller = await call(bot);
    caller.send({ event: "media", sequenceNumber: "1", media: { payload: "AAAA" } });
    caller.send({ event: "connected", protocol: "Call", version: "1.0.0" });
    caller.send({
      event: "start",
      sequenceNumber: "2",
      streamSid: "MZ1",
      start: {
        streamSid: "MZ1",
        callSid: "CA1",
        accountSid: "AC1",
        tracks: ["inbound"],
        mediaFormat: { encoding: "audio/l16" },
      },
    });
    caller.send({
      event: "media",
      sequenceNumber: "4",
      streamSid: "MZ1",
      media: { track: "inbound", chunk: "1", timestamp: "0", payload: "not base64!" },
    });
    caller.send({
      event: "dtmf",
      sequenceNumber: "5",
      streamSid: "MZ2",
      dtmf: { track: "inbound_track", digit: "x" },
    });
    caller.send({ event: "mark", sequenceNumber: "6", streamSid: "MZ1", mark: { name: "never-sent" } });
    caller.send("hello");
    caller.socket.send(Buffer.from([1, 2, 3]));
    await bot.waitFor(() => bot.received.length >= 8);
    const messages = bot.violations.map((violation) => violation.message);
    expect(messages).toEqual([
      "'media' before 'start'",
      expect.stringContaining("mediaFormat"),
      `'media' with sequenceNumber "4", expected "3"`,
      "'media' without a base64 μ-law `media.payload`",
      expect.stringContaining("'dtmf' with streamSid \"MZ2\""),
      expect.stringContaining("'dtmf' with digit \"x\""),
      expect.stringContaining("'mark' echo \"never-sent\""),
      "a frame that is not a JSON message with a string `event`",
      "a binary frame (Media Streams messages are JSON text)",
    ]);
  });

  it("rejects bad options", async () => {
    await expect(startFakeTwilioBot({ paceFactor: 0 })).rejects.toThrow(/paceFactor/);
    await expect(startFakeTwilioBot({ reply: [] })).rejects.toThrow(/empty list/);
    await expect(startFakeTwilioBot({ speech: "espeak" as "flite" })).rejects.toThrow(/Unknown `speech`/);
  });
});
