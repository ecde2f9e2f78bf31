import { run } from "@scenario/core";
import { agent, interrupt, succeed, user } from "@scenario/script";
import {
  ConfigurationError,
  type ScenarioResult,
  type ScriptStep,
  type VoiceCapabilities,
  type VoiceRecording,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { concatPcm, pcmByteLength } from "./pcm";
import {
  CONNECT_CONTEXT,
  manualClock,
  type ScriptedTransport,
  scriptedTransport,
} from "./scripted-transport";
import { sineTone } from "./test-signals";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";
import { voiceTransportAgent } from "./voice-transport-agent";

// interrupt({ afterMs }) and interrupt({ afterWords }) through the real executor: the far side is
// the scripted transport, speaking one word of 100 ms at a time on timers, as a server streams.

const WORD_MS = 100;
const USER_MS = 200;

/** 100 ms of audio whose bytes differ per word, so any loss or reordering shows. */
function wordAudio(index: number): Uint8Array {
  return Uint8Array.from({ length: pcmByteLength(WORD_MS) }, (_, byte) => (byte * 3 + index * 17) % 256);
}

/**
 * Makes the far side answer each turn with `words`, one word (audio, then its transcript delta)
 * per macrotask, then end the reply. A barge-in stops it and confirms, as a server would.
 */
function speakWords(scripted: ScriptedTransport, words: string[]): { sentWords: () => number } {
  let sent = 0;
  let cancelled = false;
  scripted.onEndTurn = () => {
    cancelled = false;
    sent = 0;
    const next = () => {
      if (cancelled) return;
      if (sent === words.length) {
        scripted.emit({ type: "reply-end" });
        return;
      }
      scripted.emit({ type: "agent-audio", data: wordAudio(sent) });
      scripted.emit({
        type: "transcript",
        speaker: "agent",
        text: `${sent === 0 ? "" : " "}${words[sent]}`,
        isFinal: false,
      });
      sent++;
      setTimeout(next, 0);
    };
    setTimeout(next, 0);
  };
  scripted.onInterrupt = () => {
    cancelled = true;
    setTimeout(() => scripted.emit({ type: "reply-end" }), 0);
  };
  return { sentWords: () => sent };
}

async function runCall(
  scripted: ScriptedTransport,
  steps: ScriptStep[],
  clock = manualClock().clock,
): Promise<{ result: ScenarioResult; recording: VoiceRecording }> {
  const voice = voiceTransportAgent(scripted.transport, { clock });
  const result = await run({
    name: "planned barge-in",
    description: "A caller cuts the agent short.",
    agents: [voice],
    script: [user(voiceMessage("user", sineTone(300, USER_MS), "Tell me about fees")), ...steps, succeed()],
  });
  return { result, recording: result.artifacts.voice as VoiceRecording };
}

const TEN_WORDS = ["our", "fees", "are", "listed", "on", "the", "third", "page", "of", "contract"];

describe("interrupt({ afterWords })", () => {
  it("cuts the reply once its transcript holds N words, and truncates the agent's segment", async () => {
    const scripted = scriptedTransport();
    const far = speakWords(scripted, TEN_WORDS);
    const { result, recording } = await runCall(scripted, [
      agent({ wait: false }),
      interrupt({ afterWords: 3 }),
    ]);

    expect(result.success).toBe(true);
    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(transcriptOf(reply)).toBe("our fees are");
    // The audio heard is that of the three words, nothing after.
    expect(audioFromMessage(reply)?.data).toEqual(concatPcm([0, 1, 2].map(wordAudio)));
    expect(far.sentWords()).toBeLessThan(TEN_WORDS.length);
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 3 * WORD_MS, receivedMs: 3 * WORD_MS, replyDelivered: false },
    ]);

    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(1);
    expect(agentSegments[0]).toMatchObject({ transcript: "our fees are", transcriptTruncated: true });
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "fired-after-speech", atMs: agentSegments[0]!.endMs, details: { playedMs: 3 * WORD_MS } },
    ]);
    expect(result.artifacts.interrupts).toEqual([
      { outcome: "fired-after-speech", agent: "ScriptedTransport", afterWords: 3 },
    ]);
  });

  it("says reply-ended-first when the reply ends before N words, and keeps it whole", async () => {
    const scripted = scriptedTransport();
    speakWords(scripted, ["yes", "indeed"]);
    const { result, recording } = await runCall(scripted, [
      agent({ wait: false }),
      interrupt({ afterWords: 5 }),
    ]);

    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(transcriptOf(reply)).toBe("yes indeed");
    expect(audioFromMessage(reply)?.data).toEqual(concatPcm([wordAudio(0), wordAudio(1)]));
    expect(scripted.log.interrupts).toEqual([]);
    const agentSegment = recording.segments.find((segment) => segment.speaker === "agent");
    expect(agentSegment?.transcriptTruncated).toBeUndefined();
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "reply-ended-first", atMs: agentSegment?.endMs, details: { afterWords: 5, playedMs: 200 } },
    ]);
    expect(result.artifacts.interrupts).toEqual([
      { outcome: "reply-ended-first", agent: "ScriptedTransport", afterWords: 5 },
    ]);
  });

  it("fails before the call starts when the transport streams no transcript of the agent", async () => {
    const scripted = scriptedTransport({ agentTranscripts: false });
    speakWords(scripted, TEN_WORDS);
    const failure = runCall(scripted, [agent({ wait: false }), interrupt({ afterWords: 3 })]);
    await expect(failure).rejects.toBeInstanceOf(VoiceUnsupportedError);
    await expect(failure).rejects.toThrow(
      /interrupt\(\{ afterWords: 3 \}\) needs transcripts of the agent's speech/,
    );
    expect(scripted.log.endTurns).toBe(0);
  });
});

describe("interrupt({ afterMs })", () => {
  it("cuts the reply at exactly afterMs of its audio, on the call clock", async () => {
    const scripted = scriptedTransport();
    speakWords(scripted, TEN_WORDS);
    const { result, recording } = await runCall(scripted, [
      agent({ wait: false }),
      interrupt({ afterMs: 250 }),
    ]);

    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(audioFromMessage(reply)?.data).toEqual(
      concatPcm([0, 1, 2].map(wordAudio)).subarray(0, pcmByteLength(250)),
    );
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 250, receivedMs: 250, replyDelivered: false },
    ]);
    // The manual clock never moves: call time is the audio's own. The caller spoke 200 ms, the agent
    // answered at once and was cut 250 ms into its reply.
    const [userSegment, agentSegment] = recording.segments;
    expect(userSegment).toMatchObject({ speaker: "user", startMs: 0, endMs: USER_MS });
    expect(agentSegment).toMatchObject({
      speaker: "agent",
      startMs: USER_MS,
      endMs: USER_MS + 250,
      transcriptTruncated: true,
    });
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "fired-after-speech", atMs: USER_MS + 250, details: { playedMs: 250 } },
    ]);
    expect(result.artifacts.interrupts).toEqual([
      { outcome: "fired-after-speech", agent: "ScriptedTransport", afterMs: 250 },
    ]);
  });

  it("cuts at the planned point even when more audio already arrived", async () => {
    const scripted = scriptedTransport();
    // Half a second arrives with the request, before the step can plan anything.
    scripted.onEndTurn = () => {
      for (let index = 0; index < 5; index++) scripted.emit({ type: "agent-audio", data: wordAudio(index) });
    };
    scripted.onInterrupt = () => scripted.emit({ type: "reply-end" });
    const { result, recording } = await runCall(scripted, [
      agent({ wait: false }),
      interrupt({ afterMs: 120 }),
    ]);

    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(audioFromMessage(reply)?.data).toEqual(
      concatPcm([0, 1].map(wordAudio)).subarray(0, pcmByteLength(120)),
    );
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 120, receivedMs: 500, replyDelivered: false },
    ]);
    const agentSegment = recording.segments.find((segment) => segment.speaker === "agent");
    expect(agentSegment).toMatchObject({ startMs: USER_MS, endMs: USER_MS + 120, transcriptTruncated: true });
  });

  it("with real-time playback, cuts at afterMs of what the caller heard, on a manual clock", async () => {
    const { clock, advance } = manualClock();
    const scripted = scriptedTransport();
    // A whole second arrives at once; then 400 ms pass on the clock while the caller listens.
    scripted.onEndTurn = () => {
      setTimeout(() => {
        for (let index = 0; index < 10; index++)
          scripted.emit({ type: "agent-audio", data: wordAudio(index) });
        advance(400);
      }, 0);
    };
    scripted.onInterrupt = () => scripted.emit({ type: "reply-end" });
    const voice = voiceTransportAgent(scripted.transport, { clock, playback: "realtime" });
    const result = await run({
      name: "planned barge-in, real-time playback",
      description: "A caller cuts the agent short.",
      agents: [voice],
      script: [
        user(voiceMessage("user", sineTone(300, USER_MS), "Tell me about fees")),
        agent({ wait: false }),
        interrupt({ afterMs: 300 }),
        succeed(),
      ],
    });
    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(audioFromMessage(reply)?.data).toEqual(concatPcm([0, 1, 2].map(wordAudio)));
    expect(scripted.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 300, receivedMs: 1000, replyDelivered: false },
    ]);
    const agentSegment = (result.artifacts.voice as VoiceRecording).segments.find(
      (segment) => segment.speaker === "agent",
    );
    expect(agentSegment?.endMs).toBe((agentSegment?.startMs ?? 0) + 300);
    expect(agentSegment?.transcriptTruncated).toBe(true);
  });

  it("says reply-ended-first when the reply is shorter than afterMs", async () => {
    const scripted = scriptedTransport();
    speakWords(scripted, ["fine", "thanks"]);
    const { result, recording } = await runCall(scripted, [
      agent({ wait: false }),
      interrupt({ afterMs: 5000 }),
    ]);

    const reply = result.messages.filter((message) => message.role === "assistant").at(-1)!;
    expect(audioFromMessage(reply)?.data).toEqual(concatPcm([wordAudio(0), wordAudio(1)]));
    expect(scripted.log.interrupts).toEqual([]);
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "reply-ended-first", atMs: USER_MS + 200, details: { afterMs: 5000 } },
    ]);
  });
});

describe("VoiceTransportAgent.interrupt(options)", () => {
  it("refuses options that name no single point of the reply", async () => {
    const scripted = scriptedTransport();
    const voice = voiceTransportAgent(scripted.transport);
    await voice.connect(CONNECT_CONTEXT);
    await expect(voice.interrupt({ afterMs: -1 })).rejects.toThrow(ConfigurationError);
    await expect(voice.interrupt({ afterMs: 10, afterWords: 2 })).rejects.toThrow(/not both/);
    await expect(voice.interrupt({ afterWords: 1.5 })).rejects.toThrow(/whole number of words/);
    await expect(voice.interrupt({ afterWords: 0 })).rejects.toThrow(/whole number of words/);
    const silent: Partial<VoiceCapabilities> = { agentTranscripts: false };
    const deaf = voiceTransportAgent(scriptedTransport(silent).transport);
    await expect(deaf.interrupt({ afterWords: 2 })).rejects.toBeInstanceOf(VoiceUnsupportedError);
    // Nothing was interrupted or recorded by the refused calls.
    expect(scripted.log.interrupts).toEqual([]);
    expect(voice.collectArtifacts().voice.timeline).toEqual([]);
  });
});
