import type { VoiceCapabilities } from "@scenario/spec";

/**
 * What the Twilio adapter can do: it speaks μ-law 8 kHz in 20 ms frames at the pace of a phone
 * line, sends DTMF, and relies on the bot's own VAD for turns and barge-ins (the bot's `clear`
 * confirms it stopped). Media Streams carry no transcripts, tool calls or end-of-reply signal.
 */
export const twilioCapabilities: VoiceCapabilities = {
  inputAudioFormat: { encoding: "mulaw", sampleRateHz: 8000, channels: 1 },
  outputAudioFormat: { encoding: "mulaw", sampleRateHz: 8000, channels: 1 },
  bargeIn: "on-user-speech",
  serverVad: true,
  realtimeInput: true,
  inputFrameMs: 20,
  toolCalls: false,
  toolResults: false,
  dtmf: true,
  textInput: false,
  agentTranscripts: false,
  userTranscripts: false,
  replyEnd: false,
};
