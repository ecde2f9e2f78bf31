import { randomBytes } from "node:crypto";

// The Media Streams messages Twilio's side sends, and reading the bot's. Shapes follow Twilio's
// "Media Streams - WebSocket Messages" reference for bidirectional streams (`<Connect><Stream>`).

/** A Media Streams message: its `event` plus whatever fields it carries. */
export type MediaStreamMessage = { event: string } & Record<string, unknown>;

/** The call's identifiers, as they appear in `start` and `stop`. */
export interface TwilioCallIds {
  streamSid: string;
  callSid: string;
  accountSid: string;
}

/** A Twilio-style SID: a two-letter prefix and 32 hex digits. */
export function newSid(prefix: "MZ" | "CA" | "AC"): string {
  return `${prefix}${randomBytes(16).toString("hex")}`;
}

/** The first message of a stream. Twilio sends no sequence number with it. */
export function connectedMessage(): MediaStreamMessage {
  return { event: "connected", protocol: "Call", version: "1.0.0" };
}

/** The stream's metadata: μ-law 8 kHz mono, the caller's track, the `<Parameter>`s. */
export function startMessage(
  ids: TwilioCallIds,
  sequenceNumber: number,
  customParameters: Record<string, string>,
): MediaStreamMessage {
  return {
    event: "start",
    sequenceNumber: String(sequenceNumber),
    start: {
      accountSid: ids.accountSid,
      streamSid: ids.streamSid,
      callSid: ids.callSid,
      tracks: ["inbound"],
      customParameters,
      mediaFormat: { encoding: "audio/x-mulaw", sampleRate: 8000, channels: 1 },
    },
    streamSid: ids.streamSid,
  };
}

/** One frame of the caller's audio. `timestamp` is milliseconds since the stream started. */
export function mediaMessage(
  streamSid: string,
  sequenceNumber: number,
  chunk: number,
  timestampMs: number,
  mulaw: Uint8Array,
): MediaStreamMessage {
  return {
    event: "media",
    sequenceNumber: String(sequenceNumber),
    media: {
      track: "inbound",
      chunk: String(chunk),
      timestamp: String(Math.round(timestampMs)),
      payload: Buffer.from(mulaw.buffer, mulaw.byteOffset, mulaw.byteLength).toString("base64"),
    },
    streamSid,
  };
}

/** A key the caller pressed. */
export function dtmfMessage(streamSid: string, sequenceNumber: number, digit: string): MediaStreamMessage {
  return {
    event: "dtmf",
    streamSid,
    sequenceNumber: String(sequenceNumber),
    dtmf: { track: "inbound_track", digit },
  };
}

/** The echo of a bot's mark: the audio before it has played (or was cleared). */
export function markMessage(streamSid: string, sequenceNumber: number, name: string): MediaStreamMessage {
  return { event: "mark", sequenceNumber: String(sequenceNumber), streamSid, mark: { name } };
}

/** The last message: the call is over. */
export function stopMessage(ids: TwilioCallIds, sequenceNumber: number): MediaStreamMessage {
  return {
    event: "stop",
    sequenceNumber: String(sequenceNumber),
    streamSid: ids.streamSid,
    stop: { accountSid: ids.accountSid, callSid: ids.callSid },
  };
}

/** What the bot may send on a bidirectional stream, read and checked. */
export type BotMessage =
  | { event: "media"; audio: Uint8Array }
  | { event: "mark"; name: string }
  | { event: "clear" }
  /** Anything a bot must not send, with what was wrong. */
  | { event: "invalid"; problem: string };

const BASE64_PATTERN = /^[A-Za-z0-9+/]*={0,2}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Reads one text frame from the bot. */
export function readBotMessage(text: string, streamSid: string): BotMessage {
  let message: unknown;
  try {
    message = JSON.parse(text);
  } catch {
    return { event: "invalid", problem: `a frame that is not JSON: ${JSON.stringify(text.slice(0, 80))}` };
  }
  if (!isRecord(message) || typeof message.event !== "string") {
    return {
      event: "invalid",
      problem: `a message without an \`event\`: ${JSON.stringify(text.slice(0, 80))}`,
    };
  }
  const event = message.event;
  if (event !== "media" && event !== "mark" && event !== "clear") {
    return {
      event: "invalid",
      problem: `an unknown event '${event}' (a bot sends media, mark and clear)`,
    };
  }
  if (message.streamSid !== streamSid) {
    return {
      event: "invalid",
      problem: `'${event}' for stream ${JSON.stringify(message.streamSid)}, not this call's ${streamSid}`,
    };
  }
  if (event === "clear") return { event };
  if (event === "mark") {
    const name = isRecord(message.mark) ? message.mark.name : undefined;
    if (typeof name !== "string") return { event: "invalid", problem: "'mark' without a string `mark.name`" };
    return { event, name };
  }
  const payload = isRecord(message.media) ? message.media.payload : undefined;
  // Node's decoder skips bad characters silently; Twilio needs real base64, so check first.
  if (typeof payload !== "string" || payload.length % 4 !== 0 || !BASE64_PATTERN.test(payload)) {
    return { event: "invalid", problem: "'media' without a base64 `media.payload`" };
  }
  return { event, audio: new Uint8Array(Buffer.from(payload, "base64")) };
}
