import { createOpenAI } from "@ai-sdk/openai";
import { judgeAgent } from "@scenario/judge";
import { agent, user } from "@scenario/script";
import type { VoiceRecording } from "@scenario/spec";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { userSimulatorAgent } from "@scenario/user-simulator";
import {
  audioFromMessage,
  fliteSpeech,
  isPocketsphinxAvailable,
  pcmDurationMs,
  pocketsphinxTranscription,
  transcriptOf,
  voiceUserSimulatorAgent,
  wordErrorRate,
} from "@scenario/voice";
import { afterEach, describe, expect, it } from "vitest";
import { expectFirstAudioFromRecording } from "../../../tooling/test-helpers/voice-harness";
import { openAIRealtimeAgent } from "../src";
import {
  assistantMessages,
  fakeRealtimeServer,
  noiseAudio,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./realtime-test-helpers";

const AGENT_LINES = [
  "Hello, this is City Bank. How can I help?",
  "I can block your card. Can you confirm the last four digits?",
  "Thank you. Your card is now blocked and a new one is on its way.",
];
const USER_LINES = ["Hi, I lost my card.", "Sure, it ends in four two one seven.", "Great, thanks, bye."];
const CRITERIA = ["The agent blocks the card", "The agent asks the caller to confirm the card"];

const modelServers: FakeOpenAIServer[] = [];
afterEach(async () => {
  await Promise.all(modelServers.splice(0).map((server) => server.close()));
});

/** The fake model server playing the user simulator's LLM and the judge. */
async function fakeModelServer(userLines: string[], finishWhenSaid: string): Promise<FakeOpenAIServer> {
  const server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(userLines),
      judge: judgeBehaviour({
        decide: ({ messages }) => (JSON.stringify(messages).includes(finishWhenSaid) ? {} : "continue"),
      }),
    }),
  });
  modelServers.push(server);
  return server;
}

function modelFor(server: FakeOpenAIServer) {
  return createOpenAI({ apiKey: "test-model-key", baseURL: server.baseURL })("gpt-test");
}

describe("a voice scenario through the real executor", () => {
  it("runs a multi-turn call (voice user simulator, realtime agent, judge) to a verdict, with recording, timeline and latency", async () => {
    const models = await fakeModelServer(USER_LINES, "Your card is now blocked");
    const realtime = await fakeRealtimeServer({ thinkTimeMs: 120, paceFactor: 8, reply: AGENT_LINES });
    const model = modelFor(models);
    const voiceUser = voiceUserSimulatorAgent({
      simulator: userSimulatorAgent({ model, persona: "A caller who lost their bank card" }),
      tts: fliteSpeech(),
      voiceStyle: "calm",
    });

    const { result, error } = await runScenario(
      [
        openAIRealtimeAgent({ url: realtime.url, apiKey: TEST_API_KEY }),
        voiceUser,
        // The caller has three lines and the call settles on the third: the judge is asked every turn.
        judgeAgent({ criteria: CRITERIA, model, judgeEvery: "turn" }),
      ],
      // No script: the agents converse until the judge decides.
      undefined,
      { name: "lost card", description: "A caller lost their card and wants it blocked.", maxTurns: 6 },
    );

    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual(CRITERIA);

    // The conversation alternates user and agent voice turns; both carry audio and transcripts.
    const voiceTurns = result!.messages.filter(
      (message) => message.role === "user" || message.role === "assistant",
    );
    expect(voiceTurns.map((message) => message.role)).toEqual([
      "user",
      "assistant",
      "user",
      "assistant",
      "user",
      "assistant",
    ]);
    expect(voiceTurns.filter((message) => message.role === "user").map(transcriptOf)).toEqual(USER_LINES);
    expect(assistantMessages(result!.messages).map(transcriptOf)).toEqual(AGENT_LINES);
    for (const message of voiceTurns) expect(audioFromMessage(message)?.data.byteLength).toBeGreaterThan(0);

    // The realtime server heard the flite speech byte for byte, one commit per turn.
    expect(realtime.turns.map((turn) => turn.audio)).toEqual(
      voiceTurns
        .filter((message) => message.role === "user")
        .map((message) => audioFromMessage(message)?.data),
    );
    expect(realtime.responseCreateCount).toBe(3);

    // The judge read the agent's words (transcripts), not audio.
    const judgeRequests = models.requests.filter((request) => request.role === "judge");
    expect(JSON.stringify(judgeRequests.at(-1)?.body)).toContain("Your card is now blocked");

    const recording = result?.artifacts.voice as VoiceRecording;
    expect(recording.segments.map((segment) => segment.speaker)).toEqual([
      "user",
      "agent",
      "user",
      "agent",
      "user",
      "agent",
    ]);
    expect(
      recording.segments
        .filter((segment) => segment.speaker === "user")
        .every((s) => s.voiceStyle === "calm"),
    ).toBe(true);
    expect(recording.timeline.filter((event) => event.type === "agent-started-speaking")).toHaveLength(3);
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(3);
    expectFirstAudioFromRecording(recording, 120);
  });
});

describe("interruptProbability", () => {
  const longReply = {
    transcript: "Let me read you the full terms and conditions of your account.",
    audio: noiseAudio(2500, 5),
  };

  async function callWith(interruptProbability: number, seed: number) {
    const models = await fakeModelServer(["Hello?", "And then?", "Okay."], "never says this");
    const realtime = await fakeRealtimeServer({ paceFactor: Number.POSITIVE_INFINITY, reply: [longReply] });
    const voiceUser = voiceUserSimulatorAgent({
      simulator: userSimulatorAgent({ model: modelFor(models) }),
      tts: fliteSpeech(),
      interruptProbability,
      interruptAfterMs: { minMs: 300, maxMs: 1500 },
      seed,
    });
    const { result, error } = await runScenario(
      [openAIRealtimeAgent({ url: realtime.url, apiKey: TEST_API_KEY }), voiceUser],
      [user(), agent(), user(), agent(), user(), agent()],
    );
    expect(error).toBeUndefined();
    return { result: result!, realtime, voiceUser, recording: voiceRecordingOf(result) };
  }

  it("at 1, barges in on every reply at the simulator's planned moment, the same under the same seed", async () => {
    const first = await callWith(1, 42);
    const agentSegments = first.recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(3);
    const planned = [0, 1, 2].map((turn) => first.voiceUser.planInterruption({ turn })?.afterMs);
    expect(planned.every((afterMs) => afterMs !== undefined && afterMs >= 300 && afterMs <= 1500)).toBe(true);
    // Each reply was cut at exactly the planned number of milliseconds of audio...
    expect(agentSegments.map((segment) => pcmDurationMs(segment.audio))).toEqual(planned);
    expect(agentSegments.every((segment) => segment.transcriptTruncated === true)).toBe(true);
    // ...and the server's copy truncated there too (the last truncate may still be on the wire).
    await first.realtime.waitFor(() => first.realtime.truncates.length === 3);
    expect(first.realtime.truncates.map((truncate) => truncate.audioEndMs)).toEqual(planned);
    const interrupts = first.recording.timeline.filter((event) => event.type === "user-interrupt");
    expect(interrupts.map((event) => event.outcome)).toEqual([
      "fired-after-speech",
      "fired-after-speech",
      "fired-after-speech",
    ]);

    const again = await callWith(1, 42);
    await again.realtime.waitFor(() => again.realtime.truncates.length === 3);
    expect(again.realtime.truncates.map((truncate) => truncate.audioEndMs)).toEqual(planned);
  });

  it("at 0, never barges in", async () => {
    const { recording, realtime } = await callWith(0, 42);
    expect(recording.timeline.some((event) => event.type === "user-interrupt")).toBe(false);
    expect(realtime.cancels).toHaveLength(0);
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments.map((segment) => pcmDurationMs(segment.audio))).toEqual([2500, 2500, 2500]);
    expect(agentSegments.some((segment) => segment.transcriptTruncated)).toBe(false);
  });
});

describe("offline speech round trip", () => {
  it("flite speech -> fake realtime server -> pocketsphinx recovers the user's line", async (context) => {
    if (!(await isPocketsphinxAvailable())) {
      if (process.env.CI)
        throw new Error("pocketsphinx is required on CI: apt-get install pocketsphinx pocketsphinx-en-us");
      context.skip(
        "pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us); skipping the STT round trip.",
      );
      return;
    }
    const line = "I would like to check my balance";
    const stt = pocketsphinxTranscription();
    const realtime = await fakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      // The fake transcribes what was committed and answers with what it heard.
      transcribe: (audio) => stt.transcribe(audio),
      reply: ({ userTranscript }) => ({ transcript: `You said: ${userTranscript ?? "(nothing)"}` }),
    });
    const { result, error } = await runScenario(
      // The adapter speaks the scripted text line with flite.
      [openAIRealtimeAgent({ url: realtime.url, apiKey: TEST_API_KEY, speech: fliteSpeech() })],
      [user(line), agent()],
    );
    expect(error).toBeUndefined();
    const heard = realtime.turns[0]?.transcript ?? "";
    expect(wordErrorRate(line, heard)).toBeLessThanOrEqual(0.2);
    expect(transcriptOf(assistantMessages(result!.messages)[0]!)).toBe(`You said: ${heard}`);
  }, 60_000);
});
