import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";
import { fliteSpeech, voiceUserSimulatorAgent } from "@scenario/voice";
import { pipecatAgent } from "@scenario/voice-pipecat";
import { recordingsDir } from "./bank-call.scenario";
import { pipecatVoiceEnvironment } from "./pipecat-bot";
import { saveCallRecording } from "./save-call-recording";

// A phone call with a Pipecat bot, reached as a Pipecat client reaches it: its WebSocket transport
// with the protobuf frame serializer and RTVI. The caller is simulated by an LLM and spoken with
// flite; the bot's VAD decides when the caller finished; the judge reads the bot's transcripts.
// Offline, a local fake plays the bot (and a fake model server the caller's LLM and the judge).
export default defineScenario({
  name: "changes a delivery address with a Pipecat bot",
  description: "A caller phones the shop's voice bot to send their parcel to a new address.",
  setId: "voice",
  agents: () => {
    const { botUrl, model } = pipecatVoiceEnvironment();
    if (botUrl === undefined) throw new Error("Start the bot first: startPipecatVoice() from ./pipecat-bot.");
    return [
      pipecatAgent({ url: botUrl, name: "ShopPipecatBot" }),
      voiceUserSimulatorAgent({
        simulator: userSimulatorAgent({ ...(model && { model }), persona: "A caller who moved house" }),
        tts: fliteSpeech(),
      }),
      judgeAgent({
        ...(model && { model }),
        criteria: ["The bot asks for the new address", "The bot confirms the new address"],
      }),
    ];
  },
  script: [user(), agent(), user(), agent(), saveCallRecording(recordingsDir), judge()],
});
