import type { ChunkVadOptions } from "../shared/chunk-energy-vad";

/** Options of the fake bot's energy VAD on the caller's `media` frames. */
export type TwilioVadOptions = ChunkVadOptions;
