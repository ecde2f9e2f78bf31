import { ConfigurationError, type VoiceTransport, type VoiceTransportEvent } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { WebSocket } from "ws";
import { type PipecatWebSocketConstructor, pipecatCapabilities, pipecatTransport } from "../src";
import { fakePipecatBot, noiseAudio } from "./pipecat-test-helpers";

// The transport alone, its events collected: what the session driver is told, event by event.

const transports: VoiceTransport[] = [];
afterEach(async () => {
  await Promise.all(transports.splice(0).map((transport) => transport.close()));
});

async function connect(url: string, options: { rtvi?: boolean } = {}) {
  const transport = pipecatTransport({ url, ...options });
  transports.push(transport);
  const events: VoiceTransportEvent[] = [];
  await transport.connect({
    scenarioConfig: { name: "transport test", description: "", agents: [] },
    threadId: "thread-1",
    emit: (event) => {
      events.push(event);
    },
  });
  return { transport, events };
}

/** Resolves once `predicate` holds, checking every 10 ms; fails after `timeoutMs`. */
async function until(predicate: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!predicate()) {
    if (performance.now() > deadline) throw new Error(`Not true within ${timeoutMs} ms.`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** The events, audio collapsed to "audio", for order checks. */
function shape(events: readonly VoiceTransportEvent[]): string[] {
  const shapes: string[] = [];
  for (const event of events) {
    const text =
      event.type === "transcript"
        ? `transcript:${event.speaker}:${event.isFinal ? "final" : "delta"}`
        : event.type === "speech-started" || event.type === "speech-stopped"
          ? `${event.type}:${event.speaker}`
          : event.type;
    if (text === "agent-audio" && shapes.at(-1) === "agent-audio") continue;
    shapes.push(text);
  }
  return shapes;
}

describe("pipecatTransport events", () => {
  it("reports one reply as speaking events, audio, word deltas, the final words and one reply-end", async () => {
    const bot = await fakePipecatBot({ paceFactor: Number.POSITIVE_INFINITY, reply: "Hello there, caller." });
    const { transport, events } = await connect(bot.url);
    await transport.sendText?.("hi");
    await until(() => events.some((event) => event.type === "reply-end"));
    const deltas = events.flatMap((event) =>
      event.type === "transcript" && !event.isFinal ? [event.text] : [],
    );
    expect(deltas.join("")).toBe("Hello there, caller.");
    expect(shape(events)).toEqual([
      "speech-started:agent",
      "transcript:agent:delta",
      "agent-audio",
      "transcript:agent:delta",
      "agent-audio",
      "transcript:agent:delta",
      "agent-audio",
      "speech-stopped:agent",
      "transcript:agent:final",
      "reply-end",
    ]);
    const final = events.find((event) => event.type === "transcript" && event.isFinal);
    expect(final).toMatchObject({ text: "Hello there, caller." });
  });

  it("ends a cut reply once, though an InterruptionFrame, bot-interrupted and bot-stopped-speaking all say so", async () => {
    const bot = await fakePipecatBot({
      paceFactor: 1,
      reply: { transcript: "long", audio: noiseAudio(3000, 1) },
    });
    const { transport, events } = await connect(bot.url);
    await transport.sendText?.("first");
    await until(() => events.some((event) => event.type === "agent-audio"));
    // A new text turn while the bot talks cuts it (RTVI send-text runs immediately).
    await transport.sendText?.("second");
    await bot.waitFor(() => bot.interruptions.length === 1);
    await bot.waitFor(() => events.filter((event) => event.type === "agent-audio").length > 10, {
      timeoutMs: 3000,
    });
    const cut = events.findIndex((event) => event.type === "reply-end");
    const interruptionSentAt = bot.sent.findIndex((record) => record.kind === "interruption");
    expect(interruptionSentAt).toBeGreaterThan(0);
    // Exactly one reply-end so far, and the next reply's audio comes after it.
    expect(events.filter((event) => event.type === "reply-end")).toHaveLength(1);
    expect(events.slice(cut + 1).some((event) => event.type === "agent-audio")).toBe(true);
  });

  it("without RTVI, the InterruptionFrame alone ends a reply the caller talked over", async () => {
    const bot = await fakePipecatBot({
      rtvi: false,
      paceFactor: 1,
      vad: { silenceDurationMs: 200, minSpeechMs: 60 },
      reply: { transcript: "long", audio: noiseAudio(3000, 4) },
    });
    const { transport, events } = await connect(bot.url, { rtvi: false });
    await transport.sendAudio(noiseAudio(300, 5, 16_000));
    await transport.endUserTurn();
    await until(() => events.some((event) => event.type === "agent-audio"));
    expect(events.some((event) => event.type === "reply-end")).toBe(false);
    // The caller talks over the bot: its VAD hears it and cuts the reply.
    await transport.sendAudio(noiseAudio(300, 6, 16_000));
    await until(() => events.some((event) => event.type === "reply-end"), 3000);
    // One InterruptionFrame when the caller first spoke (ignored: nothing was under way), one now.
    expect(bot.sent.filter((record) => record.kind === "interruption")).toHaveLength(2);
    expect(bot.sent.some((record) => record.kind === "message")).toBe(false);
    expect(events.filter((event) => event.type === "reply-end")).toHaveLength(1);
  });

  it("reports the caller's words once per turn, though the bot sends a TranscriptionFrame and user-transcription", async () => {
    const bot = await fakePipecatBot({
      paceFactor: Number.POSITIVE_INFINITY,
      transcribe: () => "what the bot heard",
      vad: { silenceDurationMs: 200 },
    });
    const { transport, events } = await connect(bot.url);
    await transport.sendAudio(noiseAudio(400, 2, 16_000));
    await transport.endUserTurn();
    await until(() => events.some((event) => event.type === "reply-end"));
    const heard = events.filter((event) => event.type === "transcript" && event.speaker === "user");
    expect(heard).toEqual([
      { type: "transcript", speaker: "user", text: "what the bot heard", isFinal: true },
    ]);
    // The end of turn went out as silence the bot's VAD could judge at once.
    expect(bot.turns[0]!.audio.byteLength).toBeGreaterThan(noiseAudio(400, 2, 16_000).byteLength);
  });

  it("sends audio as 16 kHz mono AudioRawFrames and text as RTVI send-text", async () => {
    const bot = await fakePipecatBot({ paceFactor: Number.POSITIVE_INFINITY });
    const { transport } = await connect(bot.url);
    const audio = noiseAudio(20, 3, 16_000);
    await transport.sendAudio(audio);
    await transport.sendText?.("typed words");
    await bot.waitFor(() => bot.turns.length === 1);
    const frame = bot.received.find((record) => record.kind === "audio")?.frame;
    expect(frame).toMatchObject({ kind: "audio", sampleRate: 16_000, numChannels: 1 });
    expect(Buffer.from((frame as { audio: Uint8Array }).audio).equals(Buffer.from(audio))).toBe(true);
    const sendText = bot.received.find((record) => record.rtviType === "send-text");
    expect(sendText?.message).toMatchObject({ data: { content: "typed words" } });
    expect(bot.connections[0]?.clientReadyAtMs).toBeGreaterThan(0);
  });

  it("sends the handshake headers and uses an injected WebSocket constructor", async () => {
    const bot = await fakePipecatBot();
    const sent: Uint8Array[] = [];
    class CountingWebSocket extends WebSocket {
      override send(data: Uint8Array): void {
        sent.push(data);
        super.send(data);
      }
    }
    const transport = pipecatTransport({
      url: bot.url,
      headers: { "x-api-key": "secret-key-123", "x-team": "voice" },
      WebSocket: CountingWebSocket as unknown as PipecatWebSocketConstructor,
    });
    transports.push(transport);
    await transport.connect({
      scenarioConfig: { name: "transport test", description: "", agents: [] },
      threadId: "thread-1",
      emit: () => {},
    });
    expect(sent).toHaveLength(1); // client-ready
    expect(bot.connections[0]?.headers).toMatchObject({ "x-api-key": "[redacted]", "x-team": "voice" });
  });

  it("declares what it can do; without RTVI it cannot send text or hear a reply end", () => {
    expect(pipecatCapabilities).toMatchObject({
      inputAudioFormat: { encoding: "pcm16", sampleRateHz: 16_000 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      bargeIn: "on-user-speech",
      serverVad: true,
      dtmf: false,
      textInput: true,
      replyEnd: true,
    });
    const plain = pipecatTransport({ url: "ws://127.0.0.1:1/ws", rtvi: false, inputSampleRate: 8000 });
    expect(plain.capabilities).toMatchObject({
      inputAudioFormat: { sampleRateHz: 8000 },
      textInput: false,
      replyEnd: false,
      toolCalls: false,
    });
    expect(() => pipecatTransport({ url: "" })).toThrow(ConfigurationError);
    expect(() => pipecatTransport({ url: "ws://x", inputSampleRate: 44.1 })).toThrow(/inputSampleRate/);
  });
});
