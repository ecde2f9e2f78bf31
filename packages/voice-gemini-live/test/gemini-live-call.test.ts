import { judgeAgent } from "@scenario/judge";
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
  pocketsphinxTranscription,
  transcriptOf,
  voiceUserSimulatorAgent,
} from "@scenario/voice";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { geminiLiveAgent } from "../src";
import {
  assistantMessages,
  fakeGeminiLiveServer,
  runScenario,
  TEST_API_KEY,
  voiceRecordingOf,
} from "./gemini-live-test-helpers";

// A whole simulated call, offline: the caller's lines are spoken by flite, the fake Gemini Live
// server recognises them with pocketsphinx and echoes what it heard (spoken by flite, with no
// output transcription), and the adapter recognises the agent's audio back with pocketsphinx. The
// user simulator and the judge run on the fake OpenAI-compatible server.

const CALLER_LINES = [
  "I would like to check my balance.",
  "My account number ends in four two one seven.",
  "Thank you, goodbye.",
];
/** Lower-case words, as pocketsphinx spells what it recognised. */
const words = (text: string): string =>
  text
    .toLowerCase()
    .replace(/[^a-z ]+/g, "")
    .trim();
const AGENT_LINES = CALLER_LINES.map((line) => `you said ${words(line)}`);
const CRITERION = "The agent repeats back what the caller said";

const models: FakeOpenAIServer[] = [];
const savedEnvironment = { key: process.env.OPENAI_API_KEY, baseUrl: process.env.OPENAI_BASE_URL };
beforeEach(() => {
  savedEnvironment.key = process.env.OPENAI_API_KEY;
  savedEnvironment.baseUrl = process.env.OPENAI_BASE_URL;
});
afterEach(async () => {
  for (const [name, value] of [
    ["OPENAI_API_KEY", savedEnvironment.key],
    ["OPENAI_BASE_URL", savedEnvironment.baseUrl],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await Promise.all(models.splice(0).map((server) => server.close()));
});

describe("an offline call over the Gemini Live protocol", () => {
  it("flite caller -> fake Gemini Live (pocketsphinx) -> echoed reply recognised back: the whole call is judged and passes", async (context) => {
    if (!(await isPocketsphinxAvailable())) {
      if (process.env.CI)
        throw new Error("pocketsphinx is required on CI: apt-get install pocketsphinx pocketsphinx-en-us");
      context.skip("pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us).");
      return;
    }
    const modelServer = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        userSimulator: userSimulatorPersona(CALLER_LINES),
        judge: judgeBehaviour({
          decide: ({ messages }) => (JSON.stringify(messages).includes(AGENT_LINES[2]!) ? {} : "continue"),
        }),
      }),
    });
    models.push(modelServer);
    // The user simulator and the judge get the default OpenAI model, pointed at the fake.
    process.env.OPENAI_API_KEY = "offline-test-key";
    process.env.OPENAI_BASE_URL = modelServer.baseURL;

    const server = await fakeGeminiLiveServer({
      thinkTimeMs: 100,
      paceFactor: 4,
      speech: "flite",
      // With a grammar of the caller's lines, recognition is exact (see VOICE-OFFLINE.md).
      transcribe: pocketsphinxTranscription({ phrases: CALLER_LINES }),
      reply: ({ userTranscript }) => ({ transcript: `You said ${userTranscript ?? "nothing"}.` }),
    });

    const { result, error } = await runScenario(
      [
        geminiLiveAgent({
          url: server.url,
          apiKey: TEST_API_KEY,
          // No transcripts of the agent from the server: the adapter must recognise its audio.
          outputTranscription: false,
          transcription: pocketsphinxTranscription({ phrases: AGENT_LINES }),
        }),
        voiceUserSimulatorAgent({ simulator: userSimulatorAgent(), tts: fliteSpeech() }),
        judgeAgent({ criteria: [CRITERION] }),
      ],
      undefined,
      {
        name: "echo call",
        description: "A caller talks to an agent that repeats what it hears.",
        maxTurns: 6,
      },
    );

    expect(error).toBeUndefined();
    expect(result?.status).toBe("SUCCESS");
    expect(result?.metCriteria).toEqual([CRITERION]);
    // The setup asked for the caller's transcripts only.
    const setup = server.connections[0]?.setup ?? {};
    expect(setup.inputAudioTranscription).toEqual({});
    expect(setup.outputAudioTranscription).toBeUndefined();
    // The fake recognised each spoken line exactly (from 16 kHz audio), and the adapter each echo.
    expect(server.turns.map((turn) => turn.transcript)).toEqual(CALLER_LINES.map(words));
    const replies = assistantMessages(result!.messages);
    expect(replies.map(transcriptOf)).toEqual(AGENT_LINES);
    for (const reply of replies) expect(audioFromMessage(reply)?.data.byteLength).toBeGreaterThan(0);
    // What the server heard (inputTranscription) went on the timeline.
    const recording = voiceRecordingOf(result);
    const heard = recording.timeline.filter((event) => event.type === "user-transcript");
    expect(heard.map((event) => event.details?.text)).toEqual(CALLER_LINES.map(words));
    // The judge read the recognised words.
    const judgeRequests = modelServer.requests.filter((request) => request.role === "judge");
    expect(JSON.stringify(judgeRequests.at(-1)?.body)).toContain(AGENT_LINES[2]);
    expect(recording.segments.map((segment) => segment.speaker)).toEqual([
      "user",
      "agent",
      "user",
      "agent",
      "user",
      "agent",
    ]);
    for (const timeToFirstAudio of recording.latency.timeToFirstAudioMs) {
      expect(timeToFirstAudio).toBeGreaterThanOrEqual(100);
    }
  }, 90_000);
});
