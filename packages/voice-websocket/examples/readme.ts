import { concatPcm, fliteSpeech } from "@scenario/voice";
import { serveVoiceAgent, websocketVoiceAgent } from "@scenario/voice-websocket";

// Your side: a few lines around your voice stack. This one answers with the caller's own audio;
// yours runs speech-to-text, your agent and text-to-speech (or a speech-to-speech model).
const server = await serveVoiceAgent(
  (session) => {
    const heard: Uint8Array[] = [];
    session.on("audio", (audio) => heard.push(audio)); // PCM16 24 kHz mono unless asked otherwise
    session.on("inputEnd", async () => {
      await session.reply(concatPcm(heard.splice(0)), { transcript: "(an echo)" }); // paced, cut on barge-in
    });
  },
  { port: 8765 },
); // 127.0.0.1 unless `host` says otherwise

// The test side: the agent under test in a scenario.
export const agentUnderTest = websocketVoiceAgent({ url: server.url, speech: fliteSpeech() });
