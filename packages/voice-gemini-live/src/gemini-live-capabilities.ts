import type { VoiceCapabilities } from "@scenario/spec";

/**
 * What the Gemini Live adapter can do with manual activity detection (the default): PCM16 16 kHz
 * in, 24 kHz out, native barge-in (`activityStart` interrupts the model, confirmed by
 * `interrupted`), transcripts of both sides (`outputAudioTranscription`,
 * `inputAudioTranscription`), function calls and their results, text input (`clientContent`), and
 * an end signal per reply (`turnComplete`). With `activityDetection: "automatic"` the server's VAD
 * ends turns and stops the agent when the caller speaks (`serverVad`, barge-in `on-user-speech`).
 * The README's capability table is generated from this record.
 */
export const geminiLiveCapabilities: VoiceCapabilities = Object.freeze({
  inputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 16_000, channels: 1 }),
  outputAudioFormat: Object.freeze({ encoding: "pcm16", sampleRateHz: 24_000, channels: 1 }),
  bargeIn: "native",
  serverVad: false,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: true,
});

/** The capabilities of a session with the server's automatic activity detection. */
export const geminiLiveAutomaticCapabilities: VoiceCapabilities = Object.freeze({
  ...geminiLiveCapabilities,
  bargeIn: "on-user-speech",
  serverVad: true,
});
