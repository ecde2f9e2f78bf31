import type { ChunkVadOptions } from "../shared/chunk-energy-vad";

/** Options of the fake agent's energy VAD on the caller's `user_audio_chunk`s. */
export type ElevenLabsVadOptions = ChunkVadOptions;
