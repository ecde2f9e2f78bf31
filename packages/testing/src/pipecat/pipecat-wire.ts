import type { WebSocket } from "ws";
import { isRecord } from "../shared/checks";
import { encodePipecatFrame, type PipecatFrame } from "./pipecat-frame-codec";
import type { PipecatFrameRecord, PipecatServerContext, PipecatToolCall, RtviMessage } from "./pipecat-types";

const RTVI_LABEL = "rtvi-ai";
/** Bytes that are not a `pipecat.Frame`: field 2 claims ten bytes and the message ends after one. */
const MALFORMED_FRAME = new Uint8Array([0x12, 0x0a, 0x1a]);

/**
 * The bot's side of one socket: frames and RTVI messages out (numbered like a pipeline's frames),
 * and every frame in either direction into the server's log.
 */
export class PipecatWire {
  /** Set when the socket closed (either side): nothing more goes out. */
  closed = false;
  private frameId = 0;
  private toolCallCount = 0;

  constructor(
    readonly connectionId: number,
    private readonly socket: WebSocket,
    private readonly server: PipecatServerContext,
  ) {}

  reportToolCall(call: PipecatToolCall): void {
    const id = `call_${this.connectionId}_${++this.toolCallCount}`;
    this.sendRtvi("llm-function-call-started", { function_name: call.name });
    this.sendRtvi("llm-function-call-in-progress", {
      tool_call_id: id,
      function_name: call.name,
      arguments: call.arguments ?? {},
    });
    this.sendRtvi("llm-function-call-stopped", {
      tool_call_id: id,
      function_name: call.name,
      cancelled: call.cancelled ?? false,
      ...(call.cancelled !== true && { result: call.result ?? null }),
    });
  }

  sendWords(text: string): void {
    if (this.server.transcriptFrames)
      this.sendFrame({ kind: "text", ...this.nextFrameId("TextFrame"), text });
    this.sendRtvi("bot-tts-text", { text });
  }

  sendMalformed(): void {
    if (!this.isOpen()) return;
    this.logInvalid("sent", "A malformed frame sent on purpose (fault).");
    this.socket.send(MALFORMED_FRAME, { binary: true });
  }

  nextFrameId(className: string): { id: number; name: string } {
    this.frameId++;
    return { id: this.frameId, name: `${className}#${this.frameId}` };
  }

  sendRtvi(type: string, data?: unknown, id?: string): void {
    if (!this.server.rtvi) return;
    const message: RtviMessage = { label: RTVI_LABEL, type };
    if (id !== undefined) message.id = id;
    if (data !== undefined) message.data = data;
    this.sendFrame({ kind: "message", data: JSON.stringify(message) }, message);
  }

  sendFrame(frame: PipecatFrame, message?: RtviMessage): void {
    if (!this.isOpen()) return;
    this.server.log(this.record("sent", frame, message));
    this.socket.send(encodePipecatFrame(frame), { binary: true });
  }

  isOpen(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  logInvalid(direction: "received" | "sent", error: string): void {
    this.server.log({
      direction,
      connectionId: this.connectionId,
      atMs: this.server.clock(),
      kind: "(invalid)",
      error,
    });
  }

  record(direction: "received" | "sent", frame: PipecatFrame, message: unknown): PipecatFrameRecord {
    const record: PipecatFrameRecord = {
      direction,
      connectionId: this.connectionId,
      atMs: this.server.clock(),
      kind: frame.kind,
      frame,
    };
    if (message !== undefined) record.message = message;
    if (isRtviMessage(message)) record.rtviType = message.type;
    return record;
  }
}

export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

export function isRtviMessage(value: unknown): value is RtviMessage {
  return isRecord(value) && value.label === RTVI_LABEL && typeof value.type === "string";
}
