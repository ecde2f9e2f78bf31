import type { WebSocket } from "ws";
import type { VoiceWebSocketFrameRecord, VoiceWebSocketMessage } from "./voice-websocket-types";

/** WebSocket close code of a protocol error (the README of @scenario/voice-websocket). */
const CLOSE_PROTOCOL_ERROR = 4002;

/** One connection's socket as the fake uses it: every frame sent or received goes in the server's log. */
export class VoiceWebSocketWire {
  /** Set once the socket closed: nothing more is sent. */
  closed = false;

  constructor(
    private readonly connectionId: number,
    private readonly socket: WebSocket,
    private readonly server: { clock(): number; log(record: VoiceWebSocketFrameRecord): void },
  ) {}

  /** Logs a text frame received. */
  logReceived(message: VoiceWebSocketMessage): void {
    this.server.log(this.frame("received", message));
  }

  /** Logs a binary frame received. */
  logReceivedAudio(byteLength: number): void {
    this.server.log({ ...this.at("received"), type: "audio", byteLength });
  }

  /** Sends one JSON message. */
  send(message: VoiceWebSocketMessage): void {
    if (!this.open) return;
    this.server.log(this.frame("sent", message));
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a text frame as is (a malformed one, on purpose). */
  sendRaw(text: string): void {
    if (!this.open) return;
    this.server.log(this.frame("sent", { type: "(invalid)", raw: text }));
    this.socket.send(text);
  }

  /** Sends one binary audio frame. */
  sendAudio(chunk: Uint8Array): void {
    if (!this.open || chunk.byteLength === 0) return;
    this.server.log({ ...this.at("sent"), type: "audio", byteLength: chunk.byteLength });
    this.socket.send(chunk, { binary: true });
  }

  /** Sends an `error`; a fatal one closes the connection as a protocol error. */
  sendError(code: string, message: string, fatal = false): void {
    this.send({ type: "error", code, message, fatal });
    if (fatal) this.close(CLOSE_PROTOCOL_ERROR, code);
  }

  /** Closes the connection with a close frame. */
  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  /** Destroys the TCP socket without a close frame. */
  terminate(): void {
    this.socket.terminate();
  }

  private get open(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  private at(direction: "received" | "sent") {
    return { direction, connectionId: this.connectionId, atMs: this.server.clock() };
  }

  private frame(direction: "received" | "sent", message: VoiceWebSocketMessage): VoiceWebSocketFrameRecord {
    return { ...this.at(direction), type: message.type, message };
  }
}
