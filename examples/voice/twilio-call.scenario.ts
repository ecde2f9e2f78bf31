import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";
import { fliteSpeech, voiceUserSimulatorAgent } from "@scenario/voice";
import { twilioAgent } from "@scenario/voice-twilio";
import { recordingsDir } from "./bank-call.scenario";
import { saveCallRecording } from "./save-call-recording";
import { twilioVoiceEnvironment } from "./twilio-bot";

// A phone call with a bank's bot, reached as Twilio reaches it: the bot's Media Streams WebSocket,
// μ-law 8 kHz in 20 ms frames at the pace of a phone line. The caller is simulated by an LLM and
// spoken with flite; the bot's VAD decides when the caller finished; Media Streams carry no words,
// so the bot's speech is recognised for the judge. Offline, a local fake plays the bot (and a fake
// model server the caller's LLM and the judge).
export default defineScenario({
  name: "checks a balance and closes an account by phone",
  description:
    "A caller phones the bank's bot through Twilio to check a balance and close a savings account.",
  setId: "voice",
  agents: () => {
    const { botUrl, transcription, model } = twilioVoiceEnvironment();
    if (botUrl === undefined) throw new Error("Start the bot first: startTwilioVoice() from ./twilio-bot.");
    return [
      twilioAgent({
        url: botUrl,
        name: "BankPhoneBot",
        customParameters: { caller: "+15550100" },
        ...(transcription && { transcription }),
      }),
      voiceUserSimulatorAgent({
        simulator: userSimulatorAgent({ ...(model && { model }), persona: "A bank customer on the phone" }),
        tts: fliteSpeech(),
      }),
      judgeAgent({
        ...(model && { model }),
        criteria: ["The bot tells the caller their balance", "The bot closes the savings account"],
      }),
    ];
  },
  script: [user(), agent(), user(), agent(), saveCallRecording(recordingsDir), judge()],
});
