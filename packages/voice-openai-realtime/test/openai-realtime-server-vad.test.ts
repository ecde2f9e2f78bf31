import { agent, dtmf, succeed, user } from "@scenario/script";
import { VoiceUnsupportedError } from "@scenario/spec";
import { syntheticSpeech } from "@scenario/testing/realtime";
import { transcriptOf, voiceMessage } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { openAIRealtimeAgent } from "../src";
import {
  assistantMessages,
  fakeRealtimeServer,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

const SILENCE_DURATION_MS = 300;
const THINK_TIME_MS = 50;

/** Where `part` starts in `whole`, or -1. */
function offsetOf(whole: Uint8Array, part: Uint8Array): number {
  outer: for (let start = 0; start + part.byteLength <= whole.byteLength; start += 2) {
    for (let index = 0; index < part.byteLength; index++) {
      if (whole[start + index] !== part[index]) continue outer;
    }
    return start;
  }
  return -1;
}

describe("openAIRealtimeAgent: server VAD", () => {
  it("lets the server's VAD end each turn and answer by itself: no commit, no response.create", async () => {
    const server = await fakeRealtimeServer({
      thinkTimeMs: THINK_TIME_MS,
      paceFactor: Number.POSITIVE_INFINITY,
      reply: ["Hello, this is the bank.", "Your balance is 42 euros."],
    });
    const userAudio = [
      syntheticSpeech("I would like to check my balance"),
      syntheticSpeech("The main account"),
    ];
    const realtime = openAIRealtimeAgent({
      url: server.url,
      apiKey: TEST_API_KEY,
      turnDetection: { type: "server_vad", silence_duration_ms: SILENCE_DURATION_MS },
      // A VAD that never fires must fail fast here rather than after the default 10 s.
      firstAudioTimeoutMs: 3000,
    });
    expect(realtime.capabilities.serverVad).toBe(true);

    const { result, error } = await runScenario(
      [realtime],
      [
        user(voiceMessage("user", userAudio[0]!, "I would like to check my balance")),
        agent(),
        user(voiceMessage("user", userAudio[1]!, "The main account")),
        agent(),
        succeed(),
      ],
    );
    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");

    // The session asks for server VAD with the given settings.
    const sessionUpdate = server.received.find((frame) => frame.type === "session.update")?.event;
    expect(sessionUpdate).toMatchObject({
      session: {
        audio: {
          input: { turn_detection: { type: "server_vad", silence_duration_ms: SILENCE_DURATION_MS } },
        },
      },
    });

    // The server, not the client, ended both turns and asked for both replies.
    const clientTypes = server.received.map((frame) => frame.type);
    expect(clientTypes).not.toContain("input_audio_buffer.commit");
    expect(clientTypes).not.toContain("response.create");
    expect(server.turns.map((turn) => turn.committedBy)).toEqual(["server_vad", "server_vad"]);
    // Each committed turn holds the caller's speech byte for byte, between stretches of silence (the
    // trailing silence the VAD needed; what it did not need opens the next turn's buffer).
    server.turns.forEach((turn, index) => {
      expect(offsetOf(turn.audio, userAudio[index]!)).toBeGreaterThanOrEqual(0);
    });
    expect(offsetOf(server.turns[0]!.audio, userAudio[0]!)).toBe(0);

    expect(assistantMessages(result!.messages).map(transcriptOf)).toEqual([
      "Hello, this is the bank.",
      "Your balance is 42 euros.",
    ]);

    // The server's VAD events are on the timeline.
    const recording = voiceRecordingOf(result);
    const vadEvents = recording.timeline.filter((event) => event.type.startsWith("far-side-speech"));
    expect(vadEvents.map((event) => [event.type, event.details?.speaker])).toEqual([
      ["far-side-speech-started", "user"],
      ["far-side-speech-stopped", "user"],
      ["far-side-speech-started", "user"],
      ["far-side-speech-stopped", "user"],
    ]);
    // The fake's VAD reads audio time, and the audio went out faster than real time: the pause costs
    // no wall time, so the time to first audio is the think time.
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(2);
    for (const timeToFirstAudio of recording.latency.timeToFirstAudioMs) {
      expect(timeToFirstAudio).toBeGreaterThanOrEqual(THINK_TIME_MS);
    }
  });

  it("declares manual turns by default", () => {
    expect(
      openAIRealtimeAgent({ url: "ws://localhost:1", apiKey: TEST_API_KEY }).capabilities.serverVad,
    ).toBe(false);
  });
});

describe("openAIRealtimeAgent: capability checks", () => {
  it("fails a script with dtmf() before the run starts, naming the adapter and the capability", async () => {
    const server = await fakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY });
    const realtime = openAIRealtimeAgent({ url: server.url, apiKey: TEST_API_KEY });
    const { error, result } = await runScenario(
      [realtime],
      [user(voiceMessage("user", syntheticSpeech("Hello"), "Hello")), agent(), dtmf("1#"), succeed()],
    );
    expect(result).toBeUndefined();
    expect(VoiceUnsupportedError.isInstance(error)).toBe(true);
    expect(String((error as Error).message)).toMatch(
      /dtmf\("1#"\) needs DTMF digits, and OpenAIRealtimeAgent/,
    );
    // Before the run: nothing connected, nothing sent.
    expect(server.connections).toHaveLength(0);
  });
});
