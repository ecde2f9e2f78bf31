import type { VoiceCapabilities } from "@scenario/spec";

/**
 * What the ElevenLabs adapter can do: it streams the caller's audio as PCM16 16 kHz (ElevenLabs'
 * default; another format the conversation announces is converted to) in 20 ms chunks at the pace
 * of speech, and the agent's turn taking decides when the caller finished and when they talked over
 * it (`interruption`). It reports both sides' transcripts and runs client tools; text turns go out
 * as `user_message`. The protocol has no end-of-reply event and no DTMF.
 */
export const elevenLabsCapabilities: VoiceCapabilities = Object.freeze({
  inputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 16_000, channels: 1 }),
  outputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 16_000, channels: 1 }),
  bargeIn: "on-user-speech",
  serverVad: true,
  realtimeInput: true,
  inputFrameMs: 20,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: false,
});
