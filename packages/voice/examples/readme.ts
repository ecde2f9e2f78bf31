import { openai } from "@ai-sdk/openai";
import { type AgentAdapter, AgentRole } from "@scenario/spec";
import { composableAgent } from "@scenario/voice";

// Your text agent; composableAgent() gives it ears and a voice.
const textAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  call: () => "Your order ships tomorrow.",
};

export const voiceAgent = composableAgent({
  agent: textAgent,
  speechToText: openai.transcription("gpt-4o-mini-transcribe"),
  textToSpeech: openai.speech("gpt-4o-mini-tts"),
  agentVoice: "alloy",
  reportAudio: true,
});
