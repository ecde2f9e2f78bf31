import { pocketsphinxTranscription } from "@scenario/voice";
import { twilioAgent } from "@scenario/voice-twilio";

// The agent under test: your phone bot's Media Streams endpoint, running.
export const phoneBot = twilioAgent({
  url: "ws://localhost:8080/media-stream",
  customParameters: { caller: "+15550100" }, // the <Parameter>s of your <Stream>
  // Media Streams carry audio only: recognise the bot's speech so the judge reads words.
  transcription: pocketsphinxTranscription(),
});
