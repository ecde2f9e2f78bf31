import type { TwilioVadOptions } from "./caller-vad";
import type {
  TwilioClearRecord,
  TwilioDtmfRecord,
  TwilioFault,
  TwilioFrameRecord,
  TwilioMarkRecord,
  TwilioReply,
  TwilioReplyContext,
  TwilioReplyRecord,
  TwilioTurnRecord,
} from "./twilio-types";

/** What every connection shares with its server: settings, the reply policy and the logs. */
export interface TwilioServerContext {
  clock: () => number;
  thinkTimeMs: number;
  paceFactor: number;
  chunkMs: number;
  bargeIn: boolean;
  sendMarks: boolean;
  greeting: TwilioReply | undefined;
  dtmfTimeoutMs: number;
  vad: Required<TwilioVadOptions>;
  reply(context: TwilioReplyContext): Promise<TwilioReply>;
  /** The reply's words as μ-law 8 kHz audio. */
  speech(transcript: string): Promise<Uint8Array>;
  transcribe?: (mulaw: Uint8Array) => Promise<string | undefined>;
  takeFault(): TwilioFault | undefined;
  log(record: TwilioFrameRecord): void;
  /** Tells waiters that a record changed outside a frame (a reply ended on a timer). */
  changed(): void;
  violation(connectionId: number, message: string): void;
  turns: TwilioTurnRecord[];
  replies: TwilioReplyRecord[];
  clears: TwilioClearRecord[];
  marks: TwilioMarkRecord[];
  dtmf: TwilioDtmfRecord[];
}
