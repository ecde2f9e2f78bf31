import type { WebSocket } from "ws";
import type { GeminiLiveFrameRecord, GeminiLiveMessage } from "./gemini-live-types";

/** One connection's socket as the fake uses it: every frame sent or received goes in the server's log. */
export class GeminiLiveWire {
  /** Set once the socket closed: nothing more is sent. */
  closed = false;

  constructor(
    private readonly connectionId: number,
    private readonly socket: WebSocket,
    private readonly server: { clock(): number; log(record: GeminiLiveFrameRecord): void },
  ) {}

  /** Logs a frame received. */
  logReceived(type: string, message: GeminiLiveMessage): void {
    this.server.log(this.frame("received", type, message));
  }

  /** Sends one JSON message; its type in the log is its first top-level field. */
  send(message: GeminiLiveMessage): void {
    if (!this.open) return;
    this.server.log(this.frame("sent", Object.keys(message)[0] ?? "(empty)", message));
    this.socket.send(JSON.stringify(message));
  }

  /**
   * Closes the connection with a close frame: the Live API reports a refused setup or a failure
   * this way (1007 invalid argument, 1008 policy violation, 1011 internal error), with no error message.
   */
  close(code: number, reason: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close(code, reason);
  }

  /** Destroys the TCP socket without a close frame. */
  terminate(): void {
    this.closed = true;
    this.socket.terminate();
  }

  private get open(): boolean {
    return !this.closed && this.socket.readyState === this.socket.OPEN;
  }

  private frame(
    direction: "received" | "sent",
    type: string,
    message: GeminiLiveMessage,
  ): GeminiLiveFrameRecord {
    return { direction, connectionId: this.connectionId, atMs: this.server.clock(), type, message };
  }
}
