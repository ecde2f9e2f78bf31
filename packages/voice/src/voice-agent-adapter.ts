import {
  AGENT_SPECIFICATION_VERSION,
  type AgentConnectContext,
  type AgentInput,
  type AgentPreflightContext,
  type AgentReturn,
  AgentRole,
  type AudioChunk,
  type InterruptOptions,
  type InterruptOutcome,
  type ReceiveAudioOptions,
  VOICE_SPECIFICATION_VERSION,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceAgentAdapterLike,
  type VoiceCapabilities,
  type VoiceInterruptContext,
  type VoiceRecording,
  type VoiceServerError,
  type VoiceTransport,
  type VoiceTransportEvent,
  VoiceUnsupportedError,
} from "@scenario/spec";
import {
  resolveSessionOptions,
  type VoiceSessionOptions,
  type VoiceSessionTimings,
} from "./voice-session-options";
import { VoiceTransportAgent } from "./voice-transport-agent";

/** Options every `VoiceAgentAdapter` takes: the session driver's. */
export type VoiceAgentAdapterOptions = VoiceSessionOptions;

/** The timing options, with their defaults applied. */
export type VoiceAgentTimings = VoiceSessionTimings;

/** A tool call the agent made, as a subclass reports it to `handleToolCall()`. */
export interface VoiceToolCall {
  /** Identifies the call; its result carries the same id. */
  callId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments. */
  input: unknown;
}

/** A tool result, as a subclass reports it to `handleToolResult()`. */
export interface VoiceToolResult {
  /** The call this answers. */
  callId: string;
  /** The tool's name. */
  toolName: string;
  /** What the tool returned (JSON-serialisable). */
  output: unknown;
  /** True when the tool failed and `output` describes the failure. */
  isError?: boolean;
}

/** What a subclass may tell `handleReplyEnd()`. */
export interface VoiceReplyEndInfo {
  /** The whole reply's transcript, when the transport sends one at the end (it replaces the deltas). */
  transcript?: string;
}

/**
 * A voice adapter written as a subclass: implement the `transport*` hooks and feed what arrives to
 * the `handle*` methods. It is a thin layer over the session driver (`voiceTransportAgent()`), kept
 * so adapters written this way keep working; new adapters implement `VoiceTransport` from
 * `@scenario/spec` instead, which needs no class and no `@scenario/voice` at runtime.
 *
 * The hooks map onto the transport contract: `transportConnect`/`transportDisconnect` are
 * `connect`/`close`, `transportSendAudio` gets each frame in `capabilities.inputAudioFormat`,
 * `transportEndTurn` is `endUserTurn`, `transportInterrupt` is called for native barge-in only.
 *
 * @example
 * class MyVoiceAgent extends VoiceAgentAdapter {
 *   readonly capabilities: VoiceCapabilities = { inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24000 }, ... };
 *   protected async transportConnect() { ...open; on audio: this.handleAgentAudio(pcm) ... }
 *   protected async transportDisconnect() { ... }
 *   protected async transportSendAudio(chunk: AudioChunk) { ... }
 *   protected async transportEndTurn() { ...commit the user's audio and ask for a reply... }
 *   protected override async transportInterrupt() { ...cancel the reply... }
 * }
 */
export abstract class VoiceAgentAdapter implements VoiceAgentAdapterLike {
  /** The agent contract version. */
  readonly specificationVersion = AGENT_SPECIFICATION_VERSION;
  /** The voice contract version. */
  readonly voiceSpecificationVersion = VOICE_SPECIFICATION_VERSION;
  /** Voice adapters play the agent under test. */
  role: AgentRole = AgentRole.AGENT;
  /** A display name, used in errors and logs. */
  name: string;
  /** What the transport can do. */
  abstract readonly capabilities: VoiceCapabilities;

  /** The options the adapter was created with. */
  protected readonly voiceOptions: Readonly<VoiceAgentAdapterOptions>;
  /** The timing options, with their defaults applied. */
  protected readonly timings: VoiceAgentTimings;
  private driver: VoiceTransportAgent | undefined;
  private emit: ((event: VoiceTransportEvent) => void) | undefined;

  protected constructor(options: VoiceAgentAdapterOptions = {}) {
    this.timings = resolveSessionOptions(options).timings;
    this.voiceOptions = { ...options };
    this.name = options.name ?? new.target.name;
  }

  // Transport hooks: what a subclass implements.

  /** Opens the transport (a socket, a session). Called by `connect()`. */
  protected abstract transportConnect(context: AgentConnectContext): Promise<void>;
  /** Closes the transport. Called by `disconnect()`; must not throw when it is already closed. */
  protected abstract transportDisconnect(): Promise<void>;
  /** Sends one frame of the user's audio, in `capabilities.inputAudioFormat`. */
  protected abstract transportSendAudio(chunk: AudioChunk): Promise<void>;
  /**
   * Ends the user's turn and asks for the agent's reply (commit the audio and request a response;
   * with server VAD, whatever makes the agent notice the user stopped). Called once per turn, after
   * the turn's audio; may be called with no audio sent, for an agent that speaks first.
   */
  protected abstract transportEndTurn(): Promise<void>;
  /**
   * Cancels the reply in flight natively. Required when `capabilities.bargeIn` is "native"; the
   * transport then confirms the stop with `handleReplyEnd()`.
   */
  protected transportInterrupt(_context: VoiceInterruptContext): Promise<void> {
    return Promise.reject(
      new VoiceUnsupportedError(
        `${this.name} declares native barge-in but does not implement transportInterrupt().`,
      ),
    );
  }
  /** Sends DTMF digits. Required when `capabilities.dtmf`. */
  protected transportSendDtmf(_digits: string): Promise<void> {
    return Promise.reject(
      new VoiceUnsupportedError(
        `${this.name} declares DTMF support but does not implement transportSendDtmf().`,
      ),
    );
  }
  /** Sends a user turn as text. Required when `capabilities.textInput`. */
  protected transportSendText?(text: string): Promise<void>;

  // What a transport reports: call these as events arrive.

  /** Agent audio arrived, in `capabilities.outputAudioFormat`. */
  protected handleAgentAudio(data: Uint8Array): void {
    this.emit?.({ type: "agent-audio", data });
  }
  /** A piece of the agent's transcript arrived. */
  protected handleAgentTranscript(delta: string): void {
    this.emit?.({ type: "transcript", speaker: "agent", text: delta, isFinal: false });
  }
  /** The agent called a tool. Recorded on the timeline and returned as a tool-call message part. */
  protected handleToolCall(call: VoiceToolCall): void {
    this.emit?.({ type: "tool-call", ...call });
  }
  /** A tool returned. Recorded on the timeline and returned as a tool-result message part. */
  protected handleToolResult(result: VoiceToolResult): void {
    this.emit?.({ type: "tool-result", ...result });
  }
  /** The reply is over (for a cancelled reply: the transport confirms the agent stopped). */
  protected handleReplyEnd(info: VoiceReplyEndInfo = {}): void {
    if (info.transcript !== undefined) {
      this.emit?.({ type: "transcript", speaker: "agent", text: info.transcript, isFinal: true });
    }
    this.emit?.({ type: "reply-end" });
  }
  /** The server reported an error. It fails the reply in flight, or else the next turn. */
  protected handleServerError(error: VoiceServerError): void {
    this.emit?.({ type: "error", message: error.message, cause: error });
  }
  /** The connection closed (or the stream ended). Fails the reply in flight, or else the next turn. */
  protected handleConnectionClosed(detail: string): void {
    this.emit?.({ type: "closed", detail });
  }

  // The agent contract, delegated to the session driver.

  /** Fails before the run when a script step needs a capability the transport lacks. */
  preflight(context: AgentPreflightContext): void {
    this.session().preflight(context);
  }
  /** Opens the transport and starts a fresh recording. */
  connect(context: AgentConnectContext): Promise<void> {
    return this.session().connect(context);
  }
  /** Closes the transport; anything still in flight is dropped. */
  disconnect(): Promise<void> {
    return this.session().disconnect();
  }
  /** The call's recording, timeline and latency, under `voice`. */
  collectArtifacts(): { voice: VoiceRecording } {
    return this.session().collectArtifacts();
  }
  /** The default turn; see `VoiceTransportAgent.call()`. */
  call(input: AgentInput): Promise<AgentReturn> {
    return this.session().call(input);
  }
  /** Sends user audio (24 kHz PCM16), part of the user's turn. */
  sendAudio(chunk: AudioChunk): Promise<void> {
    return this.session().sendAudio(chunk);
  }
  /** Receives the agent's reply; see `VoiceTransportAgent.receiveAudio()`. */
  receiveAudio(options?: ReceiveAudioOptions): AsyncIterable<AudioChunk> {
    return this.session().receiveAudio(options);
  }
  /** Barges in on the reply in flight, now or at a planned point; see `VoiceTransportAgent.interrupt()`. */
  interrupt(options?: InterruptOptions): Promise<InterruptOutcome> {
    return this.session().interrupt(options);
  }
  /** Sends DTMF digits (`0-9*#`); `VoiceUnsupportedError` when the transport has no DTMF. */
  sendDtmf(digits: string): Promise<void> {
    return this.session().sendDtmf(digits);
  }

  /** Milliseconds since the call started, on the call clock. */
  protected callNowMs(): number {
    return this.session().callNowMs();
  }

  /** The driver, created on first use: the subclass's fields (its capabilities) exist only then. */
  private session(): VoiceTransportAgent {
    if (this.driver === undefined) {
      this.driver = new VoiceTransportAgent(this.asTransport(), { ...this.voiceOptions, name: this.name });
    }
    return this.driver;
  }

  private asTransport(): VoiceTransport {
    const adapter = this;
    const sendText = this.transportSendText;
    return {
      specificationVersion: VOICE_TRANSPORT_SPECIFICATION_VERSION,
      name: this.name,
      get capabilities() {
        return adapter.capabilities;
      },
      connect: async (context) => {
        this.emit = context.emit;
        const { emit: _emit, ...agentContext } = context;
        await this.transportConnect(agentContext);
      },
      close: () => this.transportDisconnect(),
      sendAudio: (data) => this.transportSendAudio({ data }),
      endUserTurn: () => this.transportEndTurn(),
      interrupt: async (context) => {
        if (this.capabilities.bargeIn === "native") await this.transportInterrupt(context);
      },
      sendDtmf: (digits) => this.transportSendDtmf(digits),
      ...(sendText !== undefined && { sendText: (text: string) => sendText.call(this, text) }),
    };
  }
}
