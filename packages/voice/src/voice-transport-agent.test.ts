import {
  ConfigurationError,
  ModelCallError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceRecording,
  VoiceServerError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { concatPcm, pcmDurationMs } from "./pcm";
import { CONNECT_CONTEXT, inputFor, lastMessage, manualClock, scriptedTransport } from "./scripted-transport";
import { sineTone } from "./test-signals";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";
import { voiceTransportAgent } from "./voice-transport-agent";
import { fromWireAudio, toWireAudio } from "./wire-audio";

const MULAW_8K = { encoding: "mulaw", sampleRateHz: 8000, channels: 1 } as const;

/** Bytes that count up: any loss or reordering shows. */
function rampBytes(length: number, seed = 0): Uint8Array {
  return Uint8Array.from({ length }, (_, index) => (index * 7 + seed) % 256);
}

function recordingOf(agent: { collectArtifacts(): { voice: VoiceRecording } }): VoiceRecording {
  return agent.collectArtifacts().voice;
}

describe("voiceTransportAgent: checks the transport", () => {
  it("refuses a transport of another contract version, naming both", () => {
    const { transport } = scriptedTransport();
    expect(() => voiceTransportAgent({ ...transport, specificationVersion: "x.v9" as never })).toThrow(
      /declares specificationVersion "x.v9".*scenario.voice-transport.v1/,
    );
  });

  it("refuses capabilities it cannot honour, saying what to declare", () => {
    const { transport } = scriptedTransport();
    const withDtmf = { ...transport, capabilities: { ...transport.capabilities, dtmf: true } };
    expect(() => voiceTransportAgent({ ...withDtmf, sendDtmf: undefined })).toThrow(
      /declares capabilities.dtmf but has no sendDtmf\(\)/,
    );
    const opus = { ...transport.capabilities, inputAudioFormat: { encoding: "opus", sampleRateHz: 48_000 } };
    expect(() => voiceTransportAgent({ ...transport, capabilities: opus as never })).toThrow(
      ConfigurationError,
    );
    expect(() => voiceTransportAgent({ ...transport, capabilities: opus as never })).toThrow(
      /inputAudioFormat has encoding "opus"/,
    );
  });

  it("names itself after the transport unless told otherwise", () => {
    const { transport } = scriptedTransport();
    expect(voiceTransportAgent(transport).name).toBe("ScriptedTransport");
    expect(voiceTransportAgent(transport, { name: "Bank" }).name).toBe("Bank");
  });
});

describe("voiceTransportAgent: audio in the transport's format", () => {
  it("sends mu-law 8 kHz in 20 ms frames and records the agent's mu-law byte for byte", async () => {
    const scripted = scriptedTransport({
      inputAudioFormat: MULAW_8K,
      outputAudioFormat: MULAW_8K,
      inputFrameMs: 20,
    });
    const agentWire = [rampBytes(1600), rampBytes(800, 3)]; // 200 ms + 100 ms at 8 kHz
    scripted.onEndTurn = () => {
      for (const data of agentWire) scripted.emit({ type: "agent-audio", data });
      scripted.emit({ type: "transcript", speaker: "agent", text: "Hello.", isFinal: true });
      scripted.emit({ type: "reply-end" });
    };
    const agent = voiceTransportAgent(scripted.transport);
    await agent.connect(CONNECT_CONTEXT);
    const userPcm = sineTone(440, 250);
    const result = await agent.call(inputFor([voiceMessage("user", userPcm, "hi")]));

    // 250 ms of caller audio: twelve 160-byte frames and a 10 ms remainder, all mu-law.
    expect(scripted.log.frames.map((frame) => frame.byteLength)).toEqual([...Array(12).fill(160), 80]);
    // The utterance is converted as a whole (filtered once), then framed: no seams every 100 ms.
    expect(concatPcm(scripted.log.frames)).toEqual(toWireAudio(userPcm, MULAW_8K));
    // The reply comes back as 24 kHz PCM16, the recording keeps the wire bytes.
    const reply = lastMessage(result);
    expect(transcriptOf(reply)).toBe("Hello.");
    expect(audioFromMessage(reply)?.data).toEqual(
      concatPcm(agentWire.map((data) => fromWireAudio(data, MULAW_8K))),
    );
    const agentSegment = recordingOf(agent).segments.find((segment) => segment.speaker === "agent");
    expect(agentSegment?.wireAudio).toEqual({ format: MULAW_8K, data: concatPcm(agentWire) });
    expect(agentSegment!.endMs - agentSegment!.startMs).toBeCloseTo(300, 6);
    expect(pcmDurationMs(agentSegment!.audio)).toBeCloseTo(300, 6);
  });

  it("cuts the wire audio where a planned barge-in cut the reply", async () => {
    const scripted = scriptedTransport({ inputAudioFormat: MULAW_8K, outputAudioFormat: MULAW_8K });
    const agentWire = rampBytes(3200); // 400 ms
    scripted.onEndTurn = () => scripted.emit({ type: "agent-audio", data: agentWire });
    scripted.onInterrupt = () => scripted.emit({ type: "reply-end" });
    const agent = voiceTransportAgent(scripted.transport);
    await agent.connect(CONNECT_CONTEXT);
    await agent.call(inputFor([voiceMessage("user", sineTone(300, 100), "go")], { afterMs: 150 }));
    const segment = recordingOf(agent).segments.find((entry) => entry.speaker === "agent");
    expect(segment?.transcriptTruncated).toBe(true);
    expect(segment?.wireAudio?.data).toEqual(agentWire.subarray(0, 1200));
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 150, receivedMs: 150, replyDelivered: false },
    ]);
  });

  it("paces frames in real time when the transport needs real-time input", async () => {
    const scripted = scriptedTransport({ realtimeInput: true, inputFrameMs: 20 });
    const sentAt: number[] = [];
    scripted.onFrame = () => sentAt.push(performance.now());
    scripted.onEndTurn = () => {
      scripted.emit({ type: "agent-audio", data: sineTone(440, 50) });
      scripted.emit({ type: "reply-end" });
    };
    const agent = voiceTransportAgent(scripted.transport);
    await agent.connect(CONNECT_CONTEXT);
    await agent.call(inputFor([voiceMessage("user", sineTone(440, 200), "a fifth of a second")]));
    expect(sentAt).toHaveLength(10);
    // Ten 20 ms frames: the last leaves 180 ms after the first (a little more on a busy machine).
    expect(sentAt.at(-1)! - sentAt[0]!).toBeGreaterThanOrEqual(175);
    expect(sentAt.at(-1)! - sentAt[0]!).toBeLessThan(400);
  });
});

describe("voiceTransportAgent: barge-in by the caller's speech", () => {
  it("returns at once, lets the caller speak, and times the stop from the caller's first frame", async () => {
    const { clock, advance } = manualClock();
    const scripted = scriptedTransport({ bargeIn: "on-user-speech", serverVad: true });
    let turn = 0;
    let replyStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      replyStarted = resolve;
    });
    scripted.onEndTurn = () => {
      turn++;
      if (turn === 1) {
        setTimeout(() => {
          scripted.emit({ type: "agent-audio", data: sineTone(440, 300) });
          replyStarted();
        }, 5);
        return;
      }
      scripted.emit({ type: "agent-audio", data: sineTone(500, 100) });
      scripted.emit({ type: "reply-end" });
    };
    let framesAfterInterrupt = 0;
    scripted.onFrame = () => {
      if (scripted.log.interrupts.length === 0 || framesAfterInterrupt++ > 0) return;
      // The bot hears the caller's first frame and stops talking 40 ms later (Twilio's `clear`).
      advance(40);
      scripted.emit({ type: "reply-end" });
    };
    const agent = voiceTransportAgent(scripted.transport, { clock });
    await agent.connect(CONNECT_CONTEXT);
    const first = agent.call(inputFor([voiceMessage("user", sineTone(300, 100), "tell me")]));
    await started;
    expect(await agent.interrupt()).toBe("fired-after-speech");
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 300, receivedMs: 300, replyDelivered: false },
    ]);
    await first;
    // The caller's words go out while the bot may still be talking, and the bot answers them.
    const second = await agent.call(inputFor([voiceMessage("user", sineTone(300, 200), "stop, please")]));
    expect(audioFromMessage(lastMessage(second))?.data).toEqual(sineTone(500, 100));

    const recording = recordingOf(agent);
    expect(recording.latency.interruptResponseTimesMs).toEqual([40]);
    expect(recording.segments.filter((segment) => segment.transcriptTruncated)).toHaveLength(1);
    expect(recording.timeline.find((event) => event.type === "user-interrupt")?.details).toMatchObject({
      bargeIn: "on-user-speech",
      responseMs: 40,
    });
  });

  it("without a confirmation, times the stop to the bot's last frame", async () => {
    const { clock, advance } = manualClock();
    const scripted = scriptedTransport({ bargeIn: "on-user-speech", replyEnd: false });
    scripted.onEndTurn = () => scripted.emit({ type: "agent-audio", data: sineTone(440, 300) });
    let spoke = false;
    scripted.onFrame = () => {
      if (spoke || scripted.log.interrupts.length === 0) return;
      spoke = true;
      // The bot talks on for 25 ms after hearing the caller, then falls silent without a word.
      advance(25);
      scripted.emit({ type: "agent-audio", data: sineTone(440, 20) });
    };
    const agent = voiceTransportAgent(scripted.transport, { clock, interruptTimeoutMs: 50 });
    await agent.connect(CONNECT_CONTEXT);
    await agent.call(inputFor([voiceMessage("user", sineTone(300, 100), "hello")], { afterMs: 100 }));
    await agent.sendAudio({ data: sineTone(300, 100) });
    expect(recordingOf(agent).latency.interruptResponseTimesMs).toEqual([25]);
  });
});

describe("voiceTransportAgent: capabilities before the run", () => {
  it("fails preflight for a voice capability the transport lacks, naming the adapter and the step", () => {
    const agent = voiceTransportAgent(scriptedTransport().transport);
    const preflight = () =>
      agent.preflight({ requirements: [{ capability: "voice.dtmf", step: 'dtmf("1")' }] });
    expect(preflight).toThrow(VoiceUnsupportedError);
    expect(preflight).toThrow(/dtmf\("1"\) needs DTMF digits, and ScriptedTransport does not support it/);
    expect(() => agent.preflight({ requirements: [{ capability: "voice.telepathy", step: "x()" }] })).toThrow(
      /does not know/,
    );
    // Other contracts' requirements are not the voice adapter's business.
    expect(() =>
      agent.preflight({ requirements: [{ capability: "vision.images", step: "y()" }] }),
    ).not.toThrow();
    const phone = voiceTransportAgent(scriptedTransport({ dtmf: true }).transport);
    expect(() =>
      phone.preflight({ requirements: [{ capability: "voice.dtmf", step: "dtmf()" }] }),
    ).not.toThrow();
  });
});

describe("voiceTransportAgent: what the far side reports", () => {
  it("puts the caller's recognised words, marks and the far side's VAD on the timeline", async () => {
    const scripted = scriptedTransport();
    scripted.onEndTurn = () => {
      scripted.emit({ type: "speech-started", speaker: "user" });
      scripted.emit({ type: "speech-stopped", speaker: "user" });
      scripted.emit({ type: "transcript", speaker: "user", text: "what is my balance", isFinal: true });
      scripted.emit({ type: "agent-audio", data: sineTone(440, 100) });
      scripted.emit({ type: "mark", name: "reply-1" });
      scripted.emit({ type: "reply-end" });
    };
    const agent = voiceTransportAgent(scripted.transport);
    await agent.connect(CONNECT_CONTEXT);
    await agent.call(inputFor([voiceMessage("user", sineTone(300, 100), "balance")]));
    const timeline = recordingOf(agent).timeline.filter((event) => !event.type.endsWith("-speaking"));
    expect(timeline.map((event) => [event.type, event.details])).toEqual([
      ["far-side-speech-started", { speaker: "user" }],
      ["far-side-speech-stopped", { speaker: "user" }],
      ["user-transcript", { text: "what is my balance" }],
      ["mark", { name: "reply-1" }],
    ]);
  });

  it("fails the turn with VoiceServerError carrying the cause, or with the transport's own Scenario error", async () => {
    const scripted = scriptedTransport();
    const cause = { code: "rate_limited" };
    scripted.onEndTurn = () => scripted.emit({ type: "error", message: "The bot is overloaded.", cause });
    const agent = voiceTransportAgent(scripted.transport);
    await agent.connect(CONNECT_CONTEXT);
    const failure = agent.call(inputFor([voiceMessage("user", sineTone(300, 50), "hi")]));
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    await expect(failure).rejects.toMatchObject({ message: "The bot is overloaded.", cause });

    const own = new ModelCallError("upstream model failed");
    scripted.onEndTurn = () => scripted.emit({ type: "error", message: "ignored", cause: own });
    await expect(agent.call(inputFor([voiceMessage("user", sineTone(300, 50), "hi")]))).rejects.toBe(own);
  });

  it("wraps a connect failure that is not a Scenario error in VoiceServerError", async () => {
    const scripted = scriptedTransport();
    const agent = voiceTransportAgent({
      ...scripted.transport,
      connect: async () => {
        throw new Error("ECONNREFUSED 127.0.0.1:9");
      },
    });
    const failure = agent.connect(CONNECT_CONTEXT);
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    await expect(failure).rejects.toThrow("ScriptedTransport could not connect: ECONNREFUSED 127.0.0.1:9");
  });

  it("declares the transport contract version it drives", () => {
    expect(scriptedTransport().transport.specificationVersion).toBe(VOICE_TRANSPORT_SPECIFICATION_VERSION);
  });
});
