import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";
import { fliteSpeech, voiceUserSimulatorAgent } from "@scenario/voice";
import { websocketVoiceAgent } from "@scenario/voice-websocket";
import { saveCallRecording } from "./save-call-recording";
import { websocketVoiceEnvironment } from "./websocket-agent";

/** Where the demo saves the call's WAV files (the bank call's folder). */
const recordingsDir = (): string => process.env.SCENARIO_VOICE_RECORDINGS ?? "voice/scenario-reports/calls";

// A phone call with a home-made voice agent (pocketsphinx + rules + flite, served with
// serveVoiceAgent()) over the open Scenario voice protocol. The caller is simulated by an LLM and
// spoken with flite; the judge reads the transcripts.
export default defineScenario({
  name: "checks a balance with a home-made voice agent",
  description: "A caller phones the bank's own voice agent to check the balance of their account.",
  setId: "voice",
  agents: () => {
    const { agentUrl, model } = websocketVoiceEnvironment();
    if (agentUrl === undefined) {
      throw new Error("Start the voice agent first: startWebSocketVoice() from ./websocket-agent.");
    }
    return [
      websocketVoiceAgent({ url: agentUrl, name: "CityBankVoiceAgent" }),
      voiceUserSimulatorAgent({
        simulator: userSimulatorAgent({ ...(model && { model }), persona: "A polite caller" }),
        tts: fliteSpeech(),
      }),
      judgeAgent({
        ...(model && { model }),
        criteria: ["The agent asks which account the caller means", "The agent gives the balance"],
      }),
    ];
  },
  script: [user(), agent(), user(), agent(), saveCallRecording(recordingsDir), judge()],
});
