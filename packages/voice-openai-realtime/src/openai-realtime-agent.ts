import {
  type AgentConnectContext,
  type AudioChunk,
  ConfigurationError,
  type VoiceCapabilities,
  VoiceServerError,
  VoiceStreamEndedError,
} from "@scenario/spec";
import {
  base64ToPcm,
  pcmToBase64,
  silence,
  VoiceAgentAdapter,
  type VoiceAgentAdapterOptions,
  type VoiceInterruptContext,
} from "@scenario/voice";
import { WebSocket as NodeWebSocket } from "ws";

/** The model used when none is given. */
const DEFAULT_MODEL = "gpt-realtime";

/** The WebSocket `readyState` of an open socket. */
const OPEN = 1;

/**
 * The part of a WebSocket this adapter uses: the `ws` package's client (the default) or anything
 * shaped like it.
 */
export interface RealtimeWebSocket {
  /** 1 when open. */
  readonly readyState: number;
  /** Sends one text frame. */
  send(data: string): void;
  /** Closes the connection. */
  close(code?: number, reason?: string): void;
  /** Listens for `open`, `message` (data, isBinary), `close` (code, reason) and `error` (error). */
  on(event: "open" | "message" | "close" | "error", listener: (...args: never[]) => void): unknown;
}

/** Creates a WebSocket: `ws`'s constructor by default. Inject one to wrap or observe the socket. */
export type RealtimeWebSocketConstructor = new (
  url: string,
  options: { headers: Record<string, string> },
) => RealtimeWebSocket;

/** A function the model may call. The adapter runs it and hands the result back to the model. */
export interface OpenAIRealtimeTool {
  /** The function's name. */
  name: string;
  /** What it does, for the model. */
  description?: string;
  /** Its parameters as a JSON schema. @default an object schema with no properties */
  parameters?: Record<string, unknown>;
  /** Runs the call; the result (JSON-serialisable) is sent back to the model. */
  execute(input: unknown): unknown | Promise<unknown>;
}

/** Server voice activity detection settings (the API's `server_vad`). */
export interface OpenAIRealtimeServerVad {
  type: "server_vad";
  /** Activation threshold, 0 to 1. */
  threshold?: number;
  /** Audio kept before detected speech, in milliseconds. */
  prefix_padding_ms?: number;
  /** Silence that ends a turn, in milliseconds. */
  silence_duration_ms?: number;
}

/** Options of `openAIRealtimeAgent()`. */
export interface OpenAIRealtimeAgentOptions extends VoiceAgentAdapterOptions {
  /**
   * The Realtime WebSocket endpoint. Point it at a local fake in tests.
   * @default `wss://api.openai.com/v1/realtime?model=<model>`
   */
  url?: string;
  /**
   * The API key, sent as a bearer token. Never logged nor put in errors.
   * @default process.env.OPENAI_API_KEY
   */
  apiKey?: string;
  /** Extra headers of the WebSocket handshake (they override the defaults). */
  headers?: Record<string, string>;
  /** The Realtime model. @default "gpt-realtime" */
  model?: string;
  /** The agent's voice. @default the server's */
  voice?: string;
  /** The agent's system instructions. */
  instructions?: string;
  /** Functions the agent may call; each call and result goes on the recording's timeline. */
  tools?: OpenAIRealtimeTool[];
  /**
   * Who decides that the user finished speaking: `"manual"` (the adapter commits each turn and asks
   * for exactly one response) or the server's VAD.
   * @default "manual"
   */
  turnDetection?: "manual" | "server_vad" | OpenAIRealtimeServerVad;
  /**
   * With server VAD, the silence appended after the user's audio so the server notices the turn
   * ended, in milliseconds.
   * @default 800
   */
  vadTrailingSilenceMs?: number;
  /** How long to wait for the connection and the session update, in milliseconds. @default 10000 */
  connectTimeoutMs?: number;
  /** The WebSocket constructor. @default the `ws` package's */
  WebSocket?: RealtimeWebSocketConstructor;
}

interface ServerEvent {
  type: string;
  [field: string]: unknown;
}

interface FunctionCall {
  callId: string;
  name: string;
  result: Promise<{ output: unknown; isError: boolean }>;
}

/** What a reply said so far, and whether any of it came as a final transcript (not only deltas). */
interface SpokenTranscript {
  text: string;
  final: boolean;
}

/** A response this client asked for (or the server started), until its `response.done`. */
interface ActiveResponse {
  id: string | undefined;
  cancelRequested: boolean;
  audioItemId: string | undefined;
  /** This response's final transcript (`output_audio_transcript.done`), once one arrived. */
  transcript: string | undefined;
  /** This response's transcript deltas, for when no final transcript comes. */
  transcriptDeltas: string;
  /**
   * What the reply's earlier responses said: a reply that calls a function goes on in a new
   * response, and its transcript must keep the words spoken before the call.
   */
  earlier: SpokenTranscript;
  errorReported: boolean;
  functionCalls: FunctionCall[];
}

function newActiveResponse(
  id: string | undefined,
  earlier: SpokenTranscript = { text: "", final: false },
): ActiveResponse {
  return {
    id,
    cancelRequested: false,
    audioItemId: undefined,
    transcript: undefined,
    transcriptDeltas: "",
    earlier,
    errorReported: false,
    functionCalls: [],
  };
}

/** Two stretches of speech, one after the other: separate responses, so a space between them. */
function joinTranscripts(first: string, second: string): string {
  if (first.trim() === "") return second;
  if (second.trim() === "") return first;
  return `${first.trimEnd()} ${second.trimStart()}`;
}

/** The reply's transcript up to the end of `active`: its earlier responses', then its own. */
function spokenSoFar(active: ActiveResponse): SpokenTranscript {
  return {
    text: joinTranscripts(active.earlier.text, active.transcript ?? active.transcriptDeltas),
    final: active.earlier.final || active.transcript !== undefined,
  };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function stringField(record: unknown, field: string): string | undefined {
  if (!isRecord(record)) return undefined;
  const value = record[field];
  return typeof value === "string" ? value : undefined;
}

/** The URL without its query (which may carry credentials), for error messages. */
function describeUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return "(invalid URL)";
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * A voice agent under test behind the OpenAI Realtime API (GA events over a WebSocket). The
 * adapter configures PCM 24 kHz audio, sends each user turn as `input_audio_buffer.append`s, then
 * commits it and requests exactly one response (manual turns, the default; server VAD is an
 * option), receives the audio and transcript deltas, barges in with `response.cancel` plus
 * `conversation.item.truncate` at the audio actually heard, runs the agent's tool calls, and maps
 * `error` events and dropped connections to typed errors.
 */
export class OpenAIRealtimeAgent extends VoiceAgentAdapter {
  /** PCM 24 kHz audio, native interruption, streaming transcripts; VAD when configured. */
  readonly capabilities: VoiceCapabilities;
  private readonly options: OpenAIRealtimeAgentOptions;
  private socket: RealtimeWebSocket | undefined;
  private closingByUs = false;
  private uncommittedBytes = 0;
  private active: ActiveResponse | undefined;
  private idleWaiters: Array<() => void> = [];
  private sessionWaiter: { resolve: () => void; reject: (error: Error) => void } | undefined;

  constructor(options: OpenAIRealtimeAgentOptions = {}) {
    super({ name: "OpenAIRealtimeAgent", ...options });
    if (options.turnDetection !== undefined) {
      const detection = options.turnDetection;
      const valid =
        detection === "manual" ||
        detection === "server_vad" ||
        (isRecord(detection) && detection.type === "server_vad");
      if (!valid) {
        throw new ConfigurationError(
          `turnDetection must be "manual", "server_vad" or { type: "server_vad", ... }, got ${JSON.stringify(detection)}.`,
        );
      }
    }
    for (const tool of options.tools ?? []) {
      if (typeof tool.name !== "string" || tool.name === "" || typeof tool.execute !== "function") {
        throw new ConfigurationError(
          `Each tool needs a name and an execute(input) function; got ${JSON.stringify(tool.name)}.`,
        );
      }
    }
    this.options = options;
    this.capabilities = {
      formats: ["pcm16-24khz"],
      nativeVad: this.serverVad !== undefined,
      interruption: true,
      dtmf: false,
      streamingTranscripts: true,
    };
  }

  private get serverVad(): OpenAIRealtimeServerVad | undefined {
    const detection = this.options.turnDetection ?? "manual";
    if (detection === "manual") return undefined;
    return detection === "server_vad" ? { type: "server_vad" } : detection;
  }

  protected async transportConnect(context: AgentConnectContext): Promise<void> {
    const model = this.options.model ?? DEFAULT_MODEL;
    const url = this.options.url ?? `wss://api.openai.com/v1/realtime?model=${encodeURIComponent(model)}`;
    const apiKey = this.options.apiKey ?? process.env.OPENAI_API_KEY;
    if ((apiKey === undefined || apiKey === "") && this.options.url === undefined) {
      throw new ConfigurationError(
        "No OpenAI API key for the Realtime agent. Pass `apiKey` to openAIRealtimeAgent() or set OPENAI_API_KEY.",
      );
    }
    const headers: Record<string, string> = {
      ...(apiKey ? { Authorization: `Bearer ${apiKey}` } : {}),
      ...this.options.headers,
    };
    const WebSocketClass: RealtimeWebSocketConstructor = this.options.WebSocket ?? NodeWebSocket;
    this.closingByUs = false;
    this.uncommittedBytes = 0;
    this.active = undefined;
    const timeoutMs = this.options.connectTimeoutMs ?? 10_000;
    const where = describeUrl(url);

    const socket = new WebSocketClass(url, { headers });
    this.socket = socket;
    const ready = new Promise<void>((resolve, reject) => {
      this.sessionWaiter = { resolve, reject };
    });
    let opened = false;
    socket.on("open", () => {
      opened = true;
      this.send(this.sessionUpdate(model));
    });
    socket.on("message", (data: { toString(): string }, isBinary: boolean) => {
      if (isBinary) return;
      this.handleServerFrame(data.toString());
    });
    socket.on("error", (error: Error) => {
      // Handshake failures (a 401, a refused connection) arrive here; after the open, close follows.
      if (!opened) this.failSession(new VoiceServerError(`Could not connect to ${where}: ${error.message}`));
    });
    socket.on("close", (code: number, reason: { toString(): string }) => {
      if (this.socket !== socket) return;
      const text = reason.toString();
      const detail = `code ${code}${text ? `: ${text}` : ""}`;
      this.failSession(
        new VoiceStreamEndedError(
          `The connection to ${where} closed before the session was ready (${detail}).`,
        ),
      );
      this.releaseIdleWaiters();
      if (!this.closingByUs) this.handleConnectionClosed(detail);
    });

    const timer = setTimeout(() => {
      this.failSession(
        new VoiceServerError(
          `No session from ${where} within ${timeoutMs} ms. Check the URL and the server, or raise connectTimeoutMs.`,
        ),
      );
    }, timeoutMs);
    timer.unref?.();
    const onAbort = () =>
      this.failSession(new VoiceStreamEndedError("The run was cancelled while connecting."));
    context.signal?.addEventListener("abort", onAbort, { once: true });
    try {
      await ready;
    } catch (error) {
      this.closeSocket();
      throw error;
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener("abort", onAbort);
    }
  }

  protected async transportDisconnect(): Promise<void> {
    this.closeSocket();
  }

  protected async transportSendAudio(chunk: AudioChunk): Promise<void> {
    this.send({ type: "input_audio_buffer.append", audio: pcmToBase64(chunk.data) });
    this.uncommittedBytes += chunk.data.byteLength;
  }

  protected override async transportSendText(text: string): Promise<void> {
    this.send({
      type: "conversation.item.create",
      item: { type: "message", role: "user", content: [{ type: "input_text", text }] },
    });
  }

  protected async transportEndTurn(): Promise<void> {
    await this.waitUntilNoResponse();
    if (this.serverVad !== undefined && this.uncommittedBytes > 0) {
      // The server decides when the turn ends and answers by itself: give its VAD the pause it needs.
      const trailingMs = this.options.vadTrailingSilenceMs ?? 800;
      this.send({ type: "input_audio_buffer.append", audio: pcmToBase64(silence(trailingMs)) });
      this.uncommittedBytes = 0;
      return;
    }
    if (this.uncommittedBytes > 0) {
      this.send({ type: "input_audio_buffer.commit" });
      this.uncommittedBytes = 0;
    }
    this.requestResponse();
  }

  protected override async transportInterrupt(context: VoiceInterruptContext): Promise<void> {
    const active = this.active;
    if (active !== undefined && !active.cancelRequested) {
      active.cancelRequested = true;
      this.send(
        active.id === undefined
          ? { type: "response.cancel" }
          : { type: "response.cancel", response_id: active.id },
      );
    }
    const itemId = active?.audioItemId ?? this.lastAudioItemId;
    if (itemId !== undefined && context.playedMs > 0) {
      // The server keeps only what the caller heard, so the agent's memory matches the call.
      this.send({
        type: "conversation.item.truncate",
        item_id: itemId,
        content_index: 0,
        audio_end_ms: Math.floor(context.playedMs),
      });
    }
    this.lastAudioItemId = undefined;
  }

  /** The audio item of the last finished response, for truncating a reply that was fully delivered. */
  private lastAudioItemId: string | undefined;

  private sessionUpdate(model: string): Record<string, unknown> {
    const vad = this.serverVad;
    const tools = (this.options.tools ?? []).map((tool) => ({
      type: "function",
      name: tool.name,
      ...(tool.description !== undefined && { description: tool.description }),
      parameters: tool.parameters ?? { type: "object", properties: {} },
    }));
    const output: Record<string, unknown> = { format: { type: "audio/pcm", rate: 24_000 } };
    if (this.options.voice !== undefined) output.voice = this.options.voice;
    return {
      type: "session.update",
      session: {
        type: "realtime",
        model,
        ...(this.options.instructions !== undefined && { instructions: this.options.instructions }),
        output_modalities: ["audio"],
        audio: {
          input: { format: { type: "audio/pcm", rate: 24_000 }, turn_detection: vad ?? null },
          output,
        },
        ...(tools.length > 0 && { tools, tool_choice: "auto" }),
      },
    };
  }

  /** Asks for a response; `earlier` is what the reply said before, when it goes on after a function call. */
  private requestResponse(earlier?: SpokenTranscript): void {
    this.active = newActiveResponse(undefined, earlier);
    this.send({ type: "response.create" });
  }

  /**
   * Never two responses at once: a reply the adapter finished early (a silence tail) or cancelled
   * may still be winding down on the server.
   */
  private async waitUntilNoResponse(): Promise<void> {
    const timeoutMs = this.timings.interruptTimeoutMs;
    if (this.active === undefined) return;
    await this.idleWithin(timeoutMs);
    if (this.active === undefined) return;
    const active = this.active;
    if (!active.cancelRequested) {
      active.cancelRequested = true;
      this.send({ type: "response.cancel" });
    }
    await this.idleWithin(timeoutMs);
    if (this.active !== undefined) {
      throw new VoiceServerError(
        `The previous response is still active ${2 * timeoutMs} ms after it was cancelled; the server is not responding to response.cancel.`,
      );
    }
  }

  private idleWithin(timeoutMs: number): Promise<void> {
    if (this.active === undefined) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, timeoutMs);
      timer.unref?.();
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.idleWaiters.push(done);
    });
  }

  private releaseIdleWaiters(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private handleServerFrame(text: string): void {
    let event: ServerEvent;
    try {
      const parsed: unknown = JSON.parse(text);
      if (!isRecord(parsed) || typeof parsed.type !== "string") return;
      event = parsed as ServerEvent;
    } catch {
      return;
    }
    switch (event.type) {
      case "session.updated":
        this.sessionWaiter?.resolve();
        this.sessionWaiter = undefined;
        return;
      case "error":
        this.onError(event);
        return;
      case "response.created":
        this.onResponseCreated(event);
        return;
      case "response.output_item.added":
        this.onOutputItemAdded(event);
        return;
      case "response.output_audio.delta":
        this.onAudioDelta(event);
        return;
      case "response.output_audio_transcript.delta":
        this.onTranscriptDelta(event);
        return;
      case "response.output_audio_transcript.done":
        this.onTranscriptDone(event);
        return;
      case "response.output_item.done":
        this.onOutputItemDone(event);
        return;
      case "response.done":
        this.onResponseDone(event).catch((error: unknown) => {
          // Only a closed socket makes this fail, and its close event reports that.
          if (this.socket?.readyState === OPEN) {
            this.handleServerError(
              new VoiceServerError(`Handling response.done failed: ${describeError(error)}`),
            );
          }
        });
        return;
      default:
        return;
    }
  }

  /** The events of a response this client cancelled are ignored until its `response.done`. */
  private isCancelled(event: ServerEvent): boolean {
    const active = this.active;
    if (active === undefined) return false;
    const responseId = stringField(event, "response_id");
    return (
      active.cancelRequested &&
      (responseId === undefined || active.id === undefined || responseId === active.id)
    );
  }

  private onError(event: ServerEvent): void {
    const error = isRecord(event.error) ? event.error : {};
    const code = stringField(error, "code");
    const type = stringField(error, "type") ?? "error";
    const message = stringField(error, "message") ?? "no message";
    // A cancel racing the response's natural end: the response is over either way.
    if (code === "response_cancel_not_active") return;
    const serverError = new VoiceServerError(
      `The OpenAI Realtime server reported ${type}${code ? ` (${code})` : ""}: ${message}`,
    );
    if (this.sessionWaiter !== undefined) {
      this.failSession(serverError);
      return;
    }
    if (this.active !== undefined) {
      this.active.errorReported = true;
      // A refused response.create never starts: nothing is active any more.
      if (this.active.id === undefined) {
        this.active = undefined;
        this.releaseIdleWaiters();
      }
    }
    this.handleServerError(serverError);
  }

  private onResponseCreated(event: ServerEvent): void {
    const id = stringField(event.response, "id");
    if (this.active === undefined) {
      // A response the server started by itself (server VAD).
      this.active = newActiveResponse(id);
      return;
    }
    this.active.id ??= id;
  }

  private onOutputItemAdded(event: ServerEvent): void {
    const item = event.item;
    if (this.active !== undefined && stringField(item, "type") === "message") {
      this.active.audioItemId ??= stringField(item, "id");
    }
  }

  private onAudioDelta(event: ServerEvent): void {
    if (this.isCancelled(event)) return;
    const delta = stringField(event, "delta");
    if (delta === undefined) return;
    if (this.active !== undefined) this.active.audioItemId ??= stringField(event, "item_id");
    this.handleAgentAudio(base64ToPcm(delta));
  }

  private onTranscriptDelta(event: ServerEvent): void {
    if (this.isCancelled(event)) return;
    const delta = stringField(event, "delta");
    if (delta === undefined) return;
    if (this.active !== undefined) this.active.transcriptDeltas += delta;
    this.handleAgentTranscript(delta);
  }

  private onTranscriptDone(event: ServerEvent): void {
    if (this.isCancelled(event) || this.active === undefined) return;
    const transcript = stringField(event, "transcript");
    if (transcript !== undefined) this.active.transcript = (this.active.transcript ?? "") + transcript;
  }

  private onOutputItemDone(event: ServerEvent): void {
    const item = event.item;
    const active = this.active;
    if (active === undefined || this.isCancelled(event) || stringField(item, "type") !== "function_call")
      return;
    const callId =
      stringField(item, "call_id") ?? stringField(item, "id") ?? `call_${active.functionCalls.length}`;
    const name = stringField(item, "name") ?? "";
    const rawArguments = stringField(item, "arguments") ?? "{}";
    let input: unknown;
    try {
      input = JSON.parse(rawArguments);
    } catch {
      input = rawArguments;
    }
    this.handleToolCall({ callId, toolName: name, input });
    const tool = this.options.tools?.find((candidate) => candidate.name === name);
    const result = (async () => {
      if (tool === undefined) return { output: { error: `No tool named "${name}".` }, isError: true };
      try {
        return { output: await tool.execute(input), isError: false };
      } catch (error) {
        return { output: { error: describeError(error) }, isError: true };
      }
    })();
    active.functionCalls.push({ callId, name, result });
  }

  private async onResponseDone(event: ServerEvent): Promise<void> {
    const active = this.active;
    const response = isRecord(event.response) ? event.response : {};
    const status = stringField(response, "status");
    this.active = undefined;
    if (active?.audioItemId !== undefined) this.lastAudioItemId = active.audioItemId;
    if (active?.cancelRequested) {
      this.handleReplyEnd();
      this.releaseIdleWaiters();
      return;
    }
    if (status === "failed") {
      if (!active?.errorReported) {
        const details = isRecord(response.status_details) ? response.status_details : {};
        const message =
          stringField(details.error, "message") ?? stringField(details, "reason") ?? "no details";
        this.handleServerError(new VoiceServerError(`The OpenAI Realtime response failed: ${message}`));
      }
      this.releaseIdleWaiters();
      return;
    }
    if (active !== undefined && status === "completed" && active.functionCalls.length > 0) {
      // The reply goes on: hand the results back and ask for the rest of the answer.
      for (const call of active.functionCalls) {
        const { output, isError } = await call.result;
        this.handleToolResult({ callId: call.callId, toolName: call.name, output, isError });
        this.send({
          type: "conversation.item.create",
          item: {
            type: "function_call_output",
            call_id: call.callId,
            output: JSON.stringify(output ?? null),
          },
        });
      }
      if (this.active === undefined) this.requestResponse(spokenSoFar(active));
      return;
    }
    const spoken = active === undefined ? undefined : spokenSoFar(active);
    // Only a final transcript replaces the deltas the base class collected for the whole reply.
    this.handleReplyEnd(spoken?.final ? { transcript: spoken.text } : {});
    this.releaseIdleWaiters();
  }

  private failSession(error: Error): void {
    const waiter = this.sessionWaiter;
    this.sessionWaiter = undefined;
    waiter?.reject(error);
  }

  private send(event: Record<string, unknown>): void {
    const socket = this.socket;
    if (socket === undefined || socket.readyState !== OPEN) {
      throw new VoiceStreamEndedError(
        `Cannot send ${String(event.type)}: the connection to the OpenAI Realtime server is not open.`,
      );
    }
    socket.send(JSON.stringify(event));
  }

  private closeSocket(): void {
    const socket = this.socket;
    if (socket === undefined) return;
    this.closingByUs = true;
    this.releaseIdleWaiters();
    try {
      socket.close(1000, "done");
    } catch {
      // Already closed.
    }
  }
}

/**
 * Creates a voice agent adapter for an agent behind the OpenAI Realtime API.
 *
 * @example
 * const agent = openAIRealtimeAgent({ instructions: "You are a bank's phone assistant.", voice: "alloy" });
 * await run({ name: "balance", description: "...", agents: [agent, voiceUserSimulatorAgent(...), judgeAgent(...)] });
 */
export function openAIRealtimeAgent(options: OpenAIRealtimeAgentOptions = {}): OpenAIRealtimeAgent {
  return new OpenAIRealtimeAgent(options);
}
