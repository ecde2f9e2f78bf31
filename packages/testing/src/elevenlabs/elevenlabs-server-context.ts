import type {
  ElevenLabsAudioFormatName,
  ElevenLabsFault,
  ElevenLabsFrameRecord,
  ElevenLabsInterruptionRecord,
  ElevenLabsPingRecord,
  ElevenLabsReply,
  ElevenLabsReplyContext,
  ElevenLabsReplyRecord,
  ElevenLabsToolCallRecord,
  ElevenLabsTurnRecord,
} from "./elevenlabs-types";
import type { ElevenLabsVadOptions } from "./elevenlabs-vad";

/** What every connection shares with its server: settings, the reply policy and the logs. */
export interface ElevenLabsServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  bargeIn: boolean;
  lateAudioChunks: number;
  inputFormat: ElevenLabsAudioFormatName;
  outputFormat: ElevenLabsAudioFormatName;
  pingIntervalMs: number;
  toolResultTimeoutMs: number;
  firstMessage: ElevenLabsReply | undefined;
  vad: Required<ElevenLabsVadOptions>;
  reply(context: ElevenLabsReplyContext): Promise<ElevenLabsReply>;
  /** The reply's words as audio in the output format. */
  speech(transcript: string): Promise<Uint8Array>;
  /** Recognises a turn given in the input format. */
  transcribe?: (audio: Uint8Array) => Promise<string | undefined>;
  takeFault(): ElevenLabsFault | undefined;
  log(record: ElevenLabsFrameRecord): void;
  /** Tells waiters that a record changed outside a frame (a reply ended on a timer). */
  changed(): void;
  violation(connectionId: number, message: string): void;
  turns: ElevenLabsTurnRecord[];
  replies: ElevenLabsReplyRecord[];
  interruptions: ElevenLabsInterruptionRecord[];
  toolCalls: ElevenLabsToolCallRecord[];
  pings: ElevenLabsPingRecord[];
}
