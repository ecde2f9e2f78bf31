import { judgeAgent } from "@scenario/judge";
import {
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
import { describe, expect, it } from "vitest";
import {
  closeAfterTest,
  pocketsphinxOrSkip,
  recognisedWords,
  restoreEnvironmentAfterEach,
} from "../../../tooling/test-helpers/voice-harness";
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
const words = recognisedWords;
const AGENT_LINES = CALLER_LINES.map((line) => `you said ${words(line)}`);
const CRITERION = "The agent repeats back what the caller said";

restoreEnvironmentAfterEach(["OPENAI_API_KEY", "OPENAI_BASE_URL"]);

describe("an offline call over the Gemini Live protocol", () => {
  it("flite caller -> fake Gemini Live (pocketsphinx) -> echoed reply recognised back: the whole call is judged and passes", async (context) => {
    if (!pocketsphinxOrSkip(await isPocketsphinxAvailable(), context)) return;
    const modelServer = closeAfterTest(
      await startFakeOpenAIServer({
        reply: scenarioBehaviour({
          userSimulator: userSimulatorPersona(CALLER_LINES),
          judge: judgeBehaviour({
            decide: ({ messages }) => (JSON.stringify(messages).includes(AGENT_LINES[2]!) ? {} : "continue"),
          }),
        }),
      }),
    );
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
        // The caller has three lines and the call settles on the third: the judge is asked every turn.
        judgeAgent({ criteria: [CRITERION], judgeEvery: "turn" }),
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
