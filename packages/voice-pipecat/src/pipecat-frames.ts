import protobuf from "protobufjs";

// Pipecat's wire schema (`pipecat/frames/frames.proto`, package `pipecat`), written out here and
// parsed once at run time with protobufjs, so the adapter carries no generated code. The field
// numbers are the wire contract; `interruption` (5) is sent by newer bots when they are cut off.
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

/** One frame of Pipecat's protobuf serializer. */
export type PipecatFrame =
  | { kind: "text"; text: string }
  | { kind: "audio"; audio: Uint8Array; sampleRate: number; numChannels: number }
  | { kind: "transcription"; text: string; userId: string; timestamp: string }
  | { kind: "message"; data: string }
  | { kind: "interruption" };

let frameType: protobuf.Type | undefined;

function frameMessage(): protobuf.Type {
  frameType ??= protobuf.parse(FRAMES_PROTO).root.lookupType("pipecat.Frame");
  return frameType;
}

/** Encodes a frame as a binary `pipecat.Frame`. */
export function encodePipecatFrame(frame: PipecatFrame): Uint8Array {
  const { kind, ...fields } = frame;
  const type = frameMessage();
  return type.encode(type.fromObject({ [kind]: fields })).finish();
}

/** Decodes a binary `pipecat.Frame`; throws for bytes that are not one or carry no frame. */
export function decodePipecatFrame(bytes: Uint8Array): PipecatFrame {
  const type = frameMessage();
  const object = type.toObject(type.decode(bytes), { longs: Number, oneofs: true, defaults: true }) as {
    frame?: PipecatFrame["kind"];
  } & Record<string, Record<string, unknown>>;
  const kind = object.frame;
  const fields = kind === undefined ? undefined : object[kind];
  if (kind === undefined || fields === undefined) throw new Error("no frame is set in the pipecat.Frame");
  const frame = { kind, ...fields } as PipecatFrame;
  // A copy: the decoder's bytes may be a view into the socket's receive buffer.
  if (frame.kind === "audio") frame.audio = new Uint8Array(frame.audio);
  return frame;
}
