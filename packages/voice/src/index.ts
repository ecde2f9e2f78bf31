export type { InterruptionPlan, VoiceInterruptContext } from "@scenario/spec";
export type { AiSdkModelLike } from "./ai-sdk";
export {
  decodeAudio,
  encodeAudio,
  fromAlaw8k,
  fromMulaw8k,
  fromPcm16k,
  toAlaw8k,
  toMulaw8k,
  toPcm16k,
} from "./audio-codecs";
export {
  type ApplyAudioEffectsOptions,
  type AudioEffect,
  type AudioEffectContext,
  applyAudioEffects,
  type BackgroundNoiseOptions,
  backgroundNoise,
  type PacketLossOptions,
  type PhoneLineOptions,
  packetLoss,
  phoneLine,
  type SpeedOptions,
  speed,
  type VolumeOptions,
  volume,
} from "./audio-effects";
export {
  type AudioPlayback,
  type AudioPlayer,
  findAudioPlayer,
  type StartAudioPlaybackOptions,
  startAudioPlayback,
} from "./audio-playback";
export {
  ComposableAgent,
  type ComposableAgentOptions,
  type ComposableTextAgent,
  composableAgent,
  composableAgentCapabilities,
  type StreamingTextAgent,
} from "./composable-agent";
export { type FliteSpeechOptions, type FliteVoice, fliteSpeech } from "./flite-speech";
export { type OpenAISpeechOptions, openAISpeech } from "./openai-speech";
export { type OpenAITranscriptionOptions, openAITranscription } from "./openai-transcription";
export {
  base64ToPcm,
  concatPcm,
  pcmByteLength,
  pcmDurationMs,
  pcmDurationMsOfBytes,
  pcmToBase64,
  pcmToSamples,
  rmsDbfs,
  rmsEnergy,
  samplesToPcm,
  silence,
  splitPcmFrames,
} from "./pcm";
export {
  isPocketsphinxAvailable,
  type PocketsphinxTranscriptionOptions,
  phrasesToJsgf,
  pocketsphinxTranscription,
} from "./pocketsphinx-transcription";
export { callerInstructions, RealtimeCallerAgent, type RealtimeCallerOptions } from "./realtime-caller-agent";
export { resamplePcm } from "./resample-pcm";
export {
  mixVoiceRecording,
  type SavedVoiceRecording,
  saveVoiceRecording,
  type VoiceManifestSegment,
  type VoiceRecordingManifest,
} from "./save-voice-recording";
export { createSeededRandom, type RandomSource, type Seed } from "./seeded-random";
export { type SpeechCacheOptions, withSpeechCache } from "./speech-cache";
export type {
  SpeechToTextProvider,
  SynthesizeOptions,
  TextToSpeechProvider,
  TranscribeOptions,
} from "./speech-provider";
export {
  VoiceAgentAdapter,
  type VoiceAgentAdapterOptions,
  type VoiceAgentTimings,
  type VoiceReplyEndInfo,
  type VoiceToolCall,
  type VoiceToolResult,
} from "./voice-agent-adapter";
export {
  type VoiceCallInterruptSummary,
  type VoiceCallSummary,
  type VoiceCallSummaryOptions,
  type VoiceCallTurnSummary,
  voiceCallSummary,
} from "./voice-call-summary";
export { computeLatencyMetrics, percentileNearestRank, type VoiceLatencySummary } from "./voice-latency";
export {
  audioFromMessage,
  isVoiceMessage,
  stripAudio,
  transcriptOf,
  VOICE_MESSAGE_MEDIA_TYPE,
  type VoiceMessageOptions,
  voiceMessage,
  voiceStyleOf,
} from "./voice-message";
export {
  createVoiceRecorder,
  type EndSegmentOptions,
  type VoiceRecorder,
  type VoiceRecorderOptions,
  type VoiceSegmentRecorder,
} from "./voice-recorder";
export type { VoicePlayback, VoiceSessionOptions, VoiceSessionTimings } from "./voice-session-options";
export { VoiceTransportAgent, voiceTransportAgent } from "./voice-transport-agent";
export {
  type SpeakOptions,
  speak,
  type VoiceUserSimulatorAgent,
  type VoiceUserSimulatorAgentOptions,
  voiceStyle,
  voiceUserSimulatorAgent,
} from "./voice-user-simulator-agent";
export { pcmToWav, type WavInfo, type WavToPcmOptions, wavInfo, wavToPcm } from "./wav";
export {
  describeAudioFormat,
  fromWireAudio,
  isScenarioAudioFormat,
  SCENARIO_AUDIO_FORMAT,
  toWireAudio,
  wireByteLength,
  wireDurationMs,
} from "./wire-audio";
export { wordErrorRate } from "./word-error-rate";
