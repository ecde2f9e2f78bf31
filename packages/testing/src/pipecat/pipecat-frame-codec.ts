import protobuf from "protobufjs";

// Pipecat's wire schema (`pipecat/frames/frames.proto`, package `pipecat`), written out here and
// parsed at run time, so the fake needs no generated code. Field numbers are the wire contract;
// `interruption` (5) is the newer transports' signal that the bot was cut off.
const FRAMES_PROTO = `
syntax = "proto3";
package pipecat;

message TextFrame {
  uint64 id = 1;
  string name = 2;
  string text = 3;
}

message AudioRawFrame {
  uint64 id = 1;
  string name = 2;
  bytes audio = 3;
  uint32 sample_rate = 4;
  uint32 num_channels = 5;
  optional uint64 pts = 6;
}

message TranscriptionFrame {
  uint64 id = 1;
  string name = 2;
  string text = 3;
  string user_id = 4;
  string timestamp = 5;
}

message MessageFrame {
  string data = 1;
}

message InterruptionFrame {
  uint64 id = 1;
  string name = 2;
}

message Frame {
  oneof frame {
    TextFrame text = 1;
    AudioRawFrame audio = 2;
    TranscriptionFrame transcription = 3;
    MessageFrame message = 4;
    InterruptionFrame interruption = 5;
  }
}
`;

/** One Pipecat frame, as the protobuf serializer puts it on the wire. */
export type PipecatFrame =
  | { kind: "text"; id?: number; name?: string; text: string }
  | {
      kind: "audio";
      id?: number;
      name?: string;
      /** PCM16 little-endian samples. */
      audio: Uint8Array;
      sampleRate: number;
      numChannels: number;
      pts?: number;
    }
  | { kind: "transcription"; id?: number; name?: string; text: string; userId: string; timestamp: string }
  /** A transport message: `data` is JSON (RTVI messages travel this way). */
  | { kind: "message"; data: string }
  | { kind: "interruption"; id?: number; name?: string };

/** The kinds of frame in the `Frame` oneof. */
export type PipecatFrameKind = PipecatFrame["kind"];

let frameType: protobuf.Type | undefined;

function frameMessage(): protobuf.Type {
  frameType ??= protobuf.parse(FRAMES_PROTO).root.lookupType("pipecat.Frame");
  return frameType;
}

/** Encodes a frame as the binary `pipecat.Frame` the protobuf serializer sends. */
export function encodePipecatFrame(frame: PipecatFrame): Uint8Array {
  const { kind, ...fields } = frame;
  const type = frameMessage();
  return type.encode(type.fromObject({ [kind]: fields })).finish();
}

/**
 * Decodes a binary `pipecat.Frame`. Throws when the bytes are not a protobuf message or carry no
 * frame of a known kind (Pipecat's serializer drops those).
 */
export function decodePipecatFrame(bytes: Uint8Array): PipecatFrame {
  const type = frameMessage();
  const object = type.toObject(type.decode(bytes), { longs: Number, oneofs: true, defaults: true }) as {
    frame?: PipecatFrameKind;
  } & Record<string, Record<string, unknown>>;
  const kind = object.frame;
  const fields = kind === undefined ? undefined : object[kind];
  if (kind === undefined || fields === undefined) {
    throw new Error("The bytes decode to a pipecat.Frame with no frame set.");
  }
  const frame = { kind, ...fields } as PipecatFrame;
  // A copy: the decoder's bytes may be a view into the socket's receive buffer.
  if (frame.kind === "audio") frame.audio = new Uint8Array(frame.audio);
  return frame;
}
