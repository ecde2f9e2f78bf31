import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";
import { interrupt, sleep } from "@scenario/script";
import { fliteSpeech, voiceUserSimulatorAgent } from "@scenario/voice";
import { openAIRealtimeAgent } from "@scenario/voice-openai-realtime";
import { voiceEnvironment } from "./offline-voice";
import { saveCallRecording } from "./save-call-recording";

/** Where the demo saves the call's WAV files. */
export const recordingsDir = (): string =>
  process.env.SCENARIO_VOICE_RECORDINGS ?? "voice/scenario-reports/calls";

// A phone call with a bank's voice agent (OpenAI Realtime API). The caller is simulated by an LLM
// and spoken with flite; halfway through, the caller barges in on a long explanation. The judge
// reads the transcripts. Offline, local fakes play the agent, the caller's LLM and the judge.
export default defineScenario({
  name: "blocks a lost card over the phone",
  description:
    "A caller phones the bank because they lost their card. They want it blocked at once and have no patience for long explanations.",
  setId: "voice",
  agents: () => {
    const { realtimeUrl, apiKey, model } = voiceEnvironment();
    return [
      openAIRealtimeAgent({
        ...(realtimeUrl !== undefined && { url: realtimeUrl }),
        ...(apiKey !== undefined && { apiKey }),
        instructions: "You are City Bank's phone assistant. Help callers with lost or stolen cards.",
        voice: "alloy",
      }),
      voiceUserSimulatorAgent({
        simulator: userSimulatorAgent({
          ...(model && { model }),
          persona: "An impatient caller who lost their card",
        }),
        tts: fliteSpeech(),
        voiceStyle: "hurried",
      }),
      judgeAgent({
        ...(model && { model }),
        criteria: [
          "The agent confirms that the card is blocked",
          "The agent stops talking when the caller interrupts",
        ],
      }),
    ];
  },
  script: [
    user(),
    // The agent starts a long explanation; the caller cuts in after a moment.
    agent({ wait: false }),
    sleep(500),
    interrupt(),
    user(),
    agent(),
    saveCallRecording(recordingsDir),
    judge(),
  ],
});
