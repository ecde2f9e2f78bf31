import { decodeBase64 } from "../realtime/pcm";
import { isRecord } from "../shared/checks";
import type { TwilioMessage, TwilioStreamStart } from "./twilio-types";

const DIGIT_PATTERN = /^[0-9*#]$/;
/** One 20 ms frame of μ-law 8 kHz. */
const FRAME_BYTES = 160;

/**
 * Reads the caller's Media Streams messages the way a strict bot would, reporting every deviation
 * from Twilio's shapes and numbering (sequence numbers, chunks, timestamps, stream SIDs) to
 * `violate`, and handing back what a bot uses.
 */
export class CallerStreamChecks {
  private expectedSequence = 1;
  private expectedChunk = 1;
  private lastTimestamp = -1;

  constructor(private readonly violate: (message: string) => void) {}

  /** Every message but `connected` carries the next sequence number, and all but `start` the stream's SID. */
  envelope(message: TwilioMessage, start: TwilioStreamStart | undefined): void {
    if (message.event === "connected") return;
    const sequence = message.sequenceNumber;
    if (sequence !== String(this.expectedSequence)) {
      this.violate(
        `'${message.event}' with sequenceNumber ${JSON.stringify(sequence)}, expected "${this.expectedSequence}"`,
      );
    }
    const parsed = Number(sequence);
    this.expectedSequence = Number.isInteger(parsed) ? parsed + 1 : this.expectedSequence + 1;
    if (message.event !== "start" && start !== undefined && message.streamSid !== start.streamSid) {
      this.violate(
        `'${message.event}' with streamSid ${JSON.stringify(message.streamSid)}, not the stream's`,
      );
    }
  }

  connected(message: TwilioMessage): void {
    if (message.protocol !== "Call") {
      this.violate(`'connected' with protocol ${JSON.stringify(message.protocol)}, expected "Call"`);
    }
    if (typeof message.version !== "string") this.violate("'connected' without a string `version`");
  }

  /** The stream's metadata: SIDs, tracks, μ-law 8 kHz mono, custom parameters. */
  start(message: TwilioMessage): TwilioStreamStart {
    const start = isRecord(message.start) ? message.start : {};
    const text = (field: string): string => {
      const value = start[field];
      if (typeof value === "string" && value !== "") return value;
      this.violate(`'start' without a string \`start.${field}\``);
      return "";
    };
    const mediaFormat = isRecord(start.mediaFormat) ? start.mediaFormat : {};
    if (
      mediaFormat.encoding !== "audio/x-mulaw" ||
      mediaFormat.sampleRate !== 8000 ||
      mediaFormat.channels !== 1
    ) {
      this.violate(
        `'start' with mediaFormat ${JSON.stringify(mediaFormat)}, expected audio/x-mulaw, 8000 Hz, 1 channel`,
      );
    }
    const tracks = Array.isArray(start.tracks) ? start.tracks.map(String) : [];
    if (!tracks.includes("inbound")) this.violate("'start' whose `start.tracks` lacks \"inbound\"");
    const customParameters: Record<string, string> = {};
    if (isRecord(start.customParameters)) {
      for (const [name, value] of Object.entries(start.customParameters)) {
        customParameters[name] = String(value);
      }
    }
    const read: TwilioStreamStart = {
      streamSid: text("streamSid"),
      callSid: text("callSid"),
      accountSid: text("accountSid"),
      tracks,
      mediaFormat,
      customParameters,
    };
    if (message.streamSid !== read.streamSid) {
      this.violate("'start' whose top-level `streamSid` differs from `start.streamSid`");
    }
    return read;
  }

  /** The frame's μ-law audio, or undefined when it carries none. */
  media(message: TwilioMessage): Uint8Array | undefined {
    const media = isRecord(message.media) ? message.media : {};
    if (media.track !== "inbound") {
      this.violate(`'media' with track ${JSON.stringify(media.track)}, expected "inbound"`);
    }
    if (media.chunk !== String(this.expectedChunk)) {
      this.violate(`'media' with chunk ${JSON.stringify(media.chunk)}, expected "${this.expectedChunk}"`);
    }
    const chunk = Number(media.chunk);
    this.expectedChunk = Number.isInteger(chunk) ? chunk + 1 : this.expectedChunk + 1;
    const timestamp = typeof media.timestamp === "string" ? Number(media.timestamp) : Number.NaN;
    if (!Number.isInteger(timestamp) || timestamp < this.lastTimestamp) {
      this.violate(
        `'media' with timestamp ${JSON.stringify(media.timestamp)} (need a string of whole ms, not decreasing)`,
      );
    } else {
      this.lastTimestamp = timestamp;
    }
    const audio = typeof media.payload === "string" ? decodeBase64(media.payload) : undefined;
    if (audio === undefined || audio.byteLength === 0) {
      this.violate("'media' without a base64 μ-law `media.payload`");
      return undefined;
    }
    // Bots count on it (a VAD such as webrtcvad takes 10, 20 or 30 ms frames only).
    if (audio.byteLength !== FRAME_BYTES) {
      this.violate(
        `'media' with ${audio.byteLength} bytes of audio; Twilio sends 20 ms (${FRAME_BYTES} bytes)`,
      );
    }
    return audio;
  }

  /** The key pressed, or undefined when the message names none. */
  dtmf(message: TwilioMessage): { digit: string; track: unknown } | undefined {
    const dtmf = isRecord(message.dtmf) ? message.dtmf : {};
    if (dtmf.track !== "inbound_track") {
      this.violate(`'dtmf' with track ${JSON.stringify(dtmf.track)}, expected "inbound_track"`);
    }
    const digit = typeof dtmf.digit === "string" ? dtmf.digit : "";
    if (!DIGIT_PATTERN.test(digit)) {
      this.violate(`'dtmf' with digit ${JSON.stringify(dtmf.digit)}, expected one of 0-9 * #`);
      return undefined;
    }
    return { digit, track: dtmf.track };
  }

  /** The echoed mark's name (checked against the bot's marks by the caller of this). */
  markName(message: TwilioMessage): unknown {
    return isRecord(message.mark) ? message.mark.name : undefined;
  }

  stop(message: TwilioMessage, start: TwilioStreamStart | undefined): void {
    const stop = isRecord(message.stop) ? message.stop : {};
    if (start !== undefined && (stop.callSid !== start.callSid || stop.accountSid !== start.accountSid)) {
      this.violate("'stop' whose `stop.callSid`/`stop.accountSid` differ from 'start'");
    }
  }
}
