import {
  AGENT_SPECIFICATION_VERSION,
  type AgentConnectContext,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AudioChunk,
  ConfigurationError,
  type InterruptOutcome,
  type JSONValue,
  type ModelMessage,
  type ReceiveAudioOptions,
  RunCancelledError,
  type ToolCallPart,
  type ToolResultPart,
  VOICE_SPECIFICATION_VERSION,
  type VoiceAgentAdapterLike,
  type VoiceCapabilities,
  VoiceFirstAudioTimeoutError,
  type VoiceRecording,
  type VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { concatPcm, pcmByteLength, pcmDurationMsOfBytes, splitPcmFrames } from "./pcm";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import { audioFromMessage, transcriptOf, voiceMessage, voiceStyleOf } from "./voice-message";
import { createVoiceRecorder, type VoiceRecorder, type VoiceSegmentRecorder } from "./voice-recorder";

/**
 * How the agent's reply audio is "played" to the simulated caller.
 * - `"instant"`: a reply is over as soon as the transport has delivered it; the recording's clock
 *   still places every segment as if it had been played in real time. Fast: what tests want.
 * - `"realtime"`: a turn also lasts until the received audio would have finished playing, so a
 *   `sleep()` then `interrupt()` lands mid-speech even when the server sends audio faster than real
 *   time, and only audio actually played counts as heard.
 */
export type VoicePlayback = "instant" | "realtime";

/** Options every `VoiceAgentAdapter` takes; subclasses add their transport's own. */
export interface VoiceAgentAdapterOptions {
  /** A display name, used in errors and logs. @default the class name */
  name?: string;
  /**
   * Speaks user messages that carry only text (a scripted `user("...")`), so a voice agent can be
   * driven by text scripts. Without it, text is sent as text when the transport supports that, and
   * is otherwise an error.
   */
  speech?: TextToSpeechProvider;
  /**
   * Transcribes the agent's audio when the transport sends no transcript of its own, so the judge
   * has words to read. Without it such replies carry an empty transcript.
   */
  transcription?: SpeechToTextProvider;
  /**
   * How long to wait for the agent's first audio after the user's turn before failing with
   * `VoiceFirstAudioTimeoutError`.
   * @default 10000
   */
  firstAudioTimeoutMs?: number;
  /**
   * The reply is over after this many milliseconds without anything from the agent, for transports
   * that do not signal the end of a reply (and as a safety net for those that do).
   * @default 1500
   */
  silenceTailMs?: number;
  /**
   * The longest reply accepted, in milliseconds of audio. A longer reply is cut there (natively
   * cancelled when the transport can) and its segment marked truncated.
   * @default 120000
   */
  maxReplyMs?: number;
  /**
   * How long `interrupt()` waits for the transport to confirm that the cancelled reply stopped
   * (that confirmation gives the interrupt response time).
   * @default 2000
   */
  interruptTimeoutMs?: number;
  /**
   * The size of the frames user audio is sent in, in milliseconds.
   * @default 100
   */
  userAudioFrameMs?: number;
  /** How reply audio is played to the simulated caller. @default "instant" */
  playback?: VoicePlayback;
  /**
   * The clock, in milliseconds (only differences matter). Inject one to measure exactly in tests.
   * @default performance.now
   */
  clock?: () => number;
}

/** The timing options of `VoiceAgentAdapterOptions`, with their defaults applied. */
export interface VoiceAgentTimings {
  /** @see VoiceAgentAdapterOptions.firstAudioTimeoutMs */
  readonly firstAudioTimeoutMs: number;
  /** @see VoiceAgentAdapterOptions.silenceTailMs */
  readonly silenceTailMs: number;
  /** @see VoiceAgentAdapterOptions.maxReplyMs */
  readonly maxReplyMs: number;
  /** @see VoiceAgentAdapterOptions.interruptTimeoutMs */
  readonly interruptTimeoutMs: number;
  /** @see VoiceAgentAdapterOptions.userAudioFrameMs */
  readonly userAudioFrameMs: number;
}

const DEFAULT_TIMINGS: VoiceAgentTimings = {
  firstAudioTimeoutMs: 10_000,
  silenceTailMs: 1500,
  maxReplyMs: 120_000,
  interruptTimeoutMs: 2000,
  userAudioFrameMs: 100,
};

/** The timings a consumer may override for one reply (`receiveAudio()` options). */
const REPLY_TIMING_NAMES = ["firstAudioTimeoutMs", "silenceTailMs", "maxReplyMs"] as const;

const TIMING_NAMES = [...REPLY_TIMING_NAMES, "interruptTimeoutMs", "userAudioFrameMs"] as const;

/** What `transportInterrupt()` is told about the reply it cancels. */
export interface VoiceInterruptContext {
  /** Milliseconds of the reply's audio the caller heard: where to truncate it on the server. */
  playedMs: number;
  /** True when the transport had already delivered the whole reply (only playback was cut). */
  replyDelivered: boolean;
}

/** A tool call the agent made, as a transport reports it. */
export interface VoiceToolCall {
  /** Identifies the call; its result carries the same id. */
  callId: string;
  /** The tool's name. */
  toolName: string;
  /** The arguments. */
  input: unknown;
}

/** A tool result, as a transport reports it. */
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

/** What a transport may tell `handleReplyEnd()`. */
export interface VoiceReplyEndInfo {
  /** The whole reply's transcript, when the transport sends one at the end (it replaces the deltas). */
  transcript?: string;
}

/** An agent that plans to barge in on itself, as the voice user simulator does. */
interface InterruptionPlanner {
  planInterruption(context: { turn: number }): { afterMs: number } | null | undefined;
}

type ReplyEndReason = "completed" | "silence-tail" | "interrupted" | "max-length" | "failed";

/** One agent reply, from the end of the user's turn to the end of the agent's audio. */
class PendingReply {
  /** Call time the user's turn ended (undefined for a reply nobody asked for). */
  readonly turnEndedAtMs: number | undefined;
  readonly openedAtWallMs: number;
  readonly audio: Uint8Array[] = [];
  acceptedBytes = 0;
  transcript = "";
  finalTranscript: string | undefined;
  firstAudioAtWallMs: number | undefined;
  segment: VoiceSegmentRecorder | undefined;
  segmentStartMs = 0;
  lastActivityAtWallMs: number;
  /** The transport said the reply is over (or, after a cancel, confirmed it stopped). */
  transportEnded = false;
  readonly transportEndedSignal: Promise<number>;
  private resolveTransportEnded!: (atWallMs: number) => void;
  /** The request for this reply reached the transport (`transportEndTurn()` returned). */
  readonly requested: Promise<void>;
  resolveRequested!: () => void;
  /** A barge-in or the length limit cut the reply: its remaining audio is dropped. */
  cancelled = false;
  finished = false;
  error: Error | undefined;
  interruptAfterMs: number | undefined;
  /** The barge-in on this reply, once one started. */
  bargeIn: Promise<InterruptOutcome> | undefined;
  firstAudioTimeoutMs: number;
  silenceTailMs: number;
  maxReplyMs: number;
  armed = false;
  readonly toolCalls: ToolCallPart[] = [];
  readonly toolResults: ToolResultPart[] = [];
  readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private waiters: Array<() => void> = [];

  constructor(
    turnEndedAtMs: number | undefined,
    openedAtWallMs: number,
    defaults: Pick<VoiceAgentTimings, "firstAudioTimeoutMs" | "silenceTailMs" | "maxReplyMs">,
  ) {
    this.turnEndedAtMs = turnEndedAtMs;
    this.openedAtWallMs = openedAtWallMs;
    this.lastActivityAtWallMs = openedAtWallMs;
    this.firstAudioTimeoutMs = defaults.firstAudioTimeoutMs;
    this.silenceTailMs = defaults.silenceTailMs;
    this.maxReplyMs = defaults.maxReplyMs;
    this.transportEndedSignal = new Promise((resolve) => {
      this.resolveTransportEnded = resolve;
    });
    this.requested = new Promise((resolve) => {
      this.resolveRequested = resolve;
    });
  }

  get acceptedMs(): number {
    return pcmDurationMsOfBytes(this.acceptedBytes);
  }

  markTransportEnded(atWallMs: number): void {
    if (this.transportEnded) return;
    this.transportEnded = true;
    this.resolveTransportEnded(atWallMs);
  }

  /** Resolves on the next change (audio, end, error). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  notify(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  schedule(ms: number, action: () => void): void {
    const timer = setTimeout(
      () => {
        this.timers.delete(timer);
        action();
      },
      Math.max(0, ms),
    );
    timer.unref?.();
    this.timers.add(timer);
  }

  clearTimers(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
  }
}

/** A turn of `call()` in progress, so an early `interrupt()` can find it before its reply opens. */
interface TurnInFlight {
  /** Resolves to the turn's reply once it opens, or to undefined when the turn ends without one. */
  replyOpened: Promise<PendingReply | undefined>;
  resolveReplyOpened(reply: PendingReply | undefined): void;
}

const DTMF_DIGITS = /^[0-9*#]+$/;

/** Throws a `ConfigurationError` for the first of `names` set to anything but a positive number. */
function assertPositiveMs<Name extends string>(
  options: Partial<Record<Name, number>>,
  names: readonly Name[],
): void {
  for (const name of names) {
    const value = options[name];
    if (value === undefined) continue;
    if (!Number.isFinite(value) || value <= 0) {
      throw new ConfigurationError(`${name} must be a positive number of milliseconds, got ${value}.`);
    }
  }
}

function toJsonValue(value: unknown): JSONValue {
  if (value === undefined) return null;
  try {
    return JSON.parse(JSON.stringify(value)) as JSONValue;
  } catch {
    return String(value);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, Math.max(0, ms));
    timer.unref?.();
  });
}

/**
 * The base of voice agent adapters. A subclass connects a transport (a WebSocket, a phone line) by
 * implementing the `transport*` hooks and feeding what arrives to the `handle*` methods; this class
 * supplies the rest of the voice contract: the default turn (`call()`: send the user's audio, end
 * the turn, receive the reply until the transport ends it or a tail of silence, with a first-audio
 * timeout and a length limit), barge-in (`interrupt()`), the recording with its timeline and latency
 * (`collectArtifacts()` returns `{ voice: VoiceRecording }`), and typed errors.
 *
 * Recording times are "call time": milliseconds since `connect()`, on a clock that treats audio
 * sent or received faster than real time as if it had been spoken in real time, so segments never
 * overlap and each lasts as long as its audio.
 *
 * @example
 * class MyVoiceAgent extends VoiceAgentAdapter {
 *   readonly capabilities = { formats: ["pcm16-24khz"], nativeVad: false, interruption: true,
 *     dtmf: false, streamingTranscripts: true } satisfies VoiceCapabilities;
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
  private readonly clock: () => number;
  private readonly playback: VoicePlayback;
  private recorder: VoiceRecorder;
  private callStartedAtWallMs: number;
  /** Milliseconds the call clock runs ahead of the wall clock (audio faster than real time). */
  private callClockOffsetMs = 0;
  private userSpeech:
    | {
        segment: VoiceSegmentRecorder;
        startMs: number;
        bytes: number;
        transcript: string;
        voiceStyle?: string | undefined;
      }
    | undefined;
  /** Call time at which the user audio sent so far ends, spoken in real time. */
  private userAudioEndsAtMs = 0;
  /** The user's turn ended and no reply has taken its time to first audio yet. */
  private pendingTurnEndMs: number | undefined;
  private reply: PendingReply | undefined;
  private turn: TurnInFlight | undefined;
  /** A transport failure seen while no reply was in flight; the next turn reports it. */
  private pendingError: Error | undefined;
  private connected = false;

  protected constructor(options: VoiceAgentAdapterOptions = {}) {
    assertPositiveMs(options, TIMING_NAMES);
    if (options.playback !== undefined && options.playback !== "instant" && options.playback !== "realtime") {
      throw new ConfigurationError(
        `playback must be "instant" or "realtime", got ${String(options.playback)}.`,
      );
    }
    this.voiceOptions = { ...options };
    this.timings = {
      firstAudioTimeoutMs: options.firstAudioTimeoutMs ?? DEFAULT_TIMINGS.firstAudioTimeoutMs,
      silenceTailMs: options.silenceTailMs ?? DEFAULT_TIMINGS.silenceTailMs,
      maxReplyMs: options.maxReplyMs ?? DEFAULT_TIMINGS.maxReplyMs,
      interruptTimeoutMs: options.interruptTimeoutMs ?? DEFAULT_TIMINGS.interruptTimeoutMs,
      userAudioFrameMs: options.userAudioFrameMs ?? DEFAULT_TIMINGS.userAudioFrameMs,
    };
    this.name = options.name ?? new.target.name;
    this.clock = options.clock ?? (() => performance.now());
    this.playback = options.playback ?? "instant";
    this.callStartedAtWallMs = this.clock();
    this.recorder = this.newRecorder();
  }

  // ---------------------------------------------------------------------------------------------
  // Transport hooks: what a subclass implements.
  // ---------------------------------------------------------------------------------------------

  /** Opens the transport (a socket, a session). Called by `connect()`. */
  protected abstract transportConnect(context: AgentConnectContext): Promise<void>;
  /** Closes the transport. Called by `disconnect()`; must not throw when it is already closed. */
  protected abstract transportDisconnect(): Promise<void>;
  /** Sends one frame of the user's audio (24 kHz PCM16; convert to the wire format here). */
  protected abstract transportSendAudio(chunk: AudioChunk): Promise<void>;
  /**
   * Ends the user's turn and asks for the agent's reply (commit the audio and request a response;
   * with native VAD, whatever makes the agent notice the user stopped). Called once per turn, after
   * the turn's audio; may be called with no audio sent, for an agent that speaks first.
   */
  protected abstract transportEndTurn(): Promise<void>;
  /**
   * Cancels the reply in flight natively. Required when `capabilities.interruption`; the transport
   * then confirms the stop with `handleReplyEnd()`.
   */
  protected transportInterrupt(_context: VoiceInterruptContext): Promise<void> {
    return Promise.reject(
      new VoiceUnsupportedError(
        `${this.name} declares native interruption but does not implement transportInterrupt().`,
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
  /**
   * Sends a user turn as text, for transports that accept text. Leave it undefined when they do
   * not; text-only user messages are then spoken with the `speech` option.
   */
  protected transportSendText?(text: string): Promise<void>;

  // ---------------------------------------------------------------------------------------------
  // What a transport reports: call these as events arrive.
  // ---------------------------------------------------------------------------------------------

  /** Agent audio arrived (24 kHz PCM16 mono). */
  protected handleAgentAudio(pcm: Uint8Array): void {
    if (pcm.byteLength === 0) return;
    const reply = this.replyForIncoming();
    if (reply === undefined || reply.cancelled || reply.finished) return;
    const now = this.clock();
    reply.lastActivityAtWallMs = now;
    if (reply.firstAudioAtWallMs === undefined) this.startAgentSegment(reply, now);
    // A reply's audio stops at the length limit and, when audio counts as heard on arrival, at a
    // planned barge-in: the caller never hears what lies beyond.
    const plannedCut =
      this.playback === "instant" &&
      reply.interruptAfterMs !== undefined &&
      reply.interruptAfterMs <= reply.maxReplyMs;
    const limitMs = plannedCut ? reply.interruptAfterMs! : reply.maxReplyMs;
    const room = Math.max(0, pcmByteLength(limitMs) - reply.acceptedBytes);
    const accepted = pcm.byteLength > room ? pcm.subarray(0, room) : pcm;
    if (accepted.byteLength > 0) {
      reply.audio.push(accepted.slice());
      reply.acceptedBytes += accepted.byteLength;
    }
    reply.notify();
    if (pcm.byteLength >= room) {
      if (plannedCut) void this.bargeIn(reply).catch((error: unknown) => this.rememberError(error));
      else void this.cutAtMaxLength(reply);
      return;
    }
    this.checkPlannedInterruption(reply);
    this.armSilenceTail(reply);
  }

  /** A piece of the agent's transcript arrived. */
  protected handleAgentTranscript(delta: string): void {
    const reply = this.replyForIncoming();
    if (reply === undefined || reply.cancelled || reply.finished) return;
    reply.transcript += delta;
    reply.lastActivityAtWallMs = this.clock();
    this.armSilenceTail(reply);
  }

  /** The agent called a tool. Recorded on the timeline and returned as a tool-call message part. */
  protected handleToolCall(call: VoiceToolCall): void {
    this.recorder.addEvent({
      type: "tool-call",
      atMs: this.callNowMs(),
      toolName: call.toolName,
      details: { callId: call.callId, input: toJsonValue(call.input) },
    });
    const reply = this.replyForIncoming();
    if (reply === undefined || reply.finished) return;
    reply.toolCalls.push({
      type: "tool-call",
      toolCallId: call.callId,
      toolName: call.toolName,
      input: call.input,
    });
    reply.lastActivityAtWallMs = this.clock();
    this.armSilenceTail(reply);
  }

  /** A tool returned. Recorded on the timeline and returned as a tool-result message part. */
  protected handleToolResult(result: VoiceToolResult): void {
    const output = toJsonValue(result.output);
    this.recorder.addEvent({
      type: "tool-result",
      atMs: this.callNowMs(),
      toolName: result.toolName,
      details: { callId: result.callId, output, ...(result.isError && { isError: true }) },
    });
    const reply = this.replyForIncoming();
    if (reply === undefined || reply.finished) return;
    reply.toolResults.push({
      type: "tool-result",
      toolCallId: result.callId,
      toolName: result.toolName,
      output: result.isError ? { type: "error-json", value: output } : { type: "json", value: output },
    });
    reply.lastActivityAtWallMs = this.clock();
    this.armSilenceTail(reply);
  }

  /**
   * The transport says the reply is over (for a cancelled reply: it confirms the agent stopped,
   * which times the interrupt response).
   */
  protected handleReplyEnd(info: VoiceReplyEndInfo = {}): void {
    const reply = this.reply;
    if (reply === undefined || reply.transportEnded) return;
    if (info.transcript !== undefined && !reply.cancelled) reply.finalTranscript = info.transcript;
    reply.markTransportEnded(this.clock());
    if (reply.finished) return;
    this.finishWhenPlayed(reply, "completed");
  }

  /** The server reported an error. It fails the reply in flight, or else the next turn. */
  protected handleServerError(error: VoiceServerError): void {
    this.failInFlight(error);
  }

  /** The connection closed (or the stream ended). Fails the reply in flight, or else the next turn. */
  protected handleConnectionClosed(detail: string): void {
    this.connected = false;
    const reply = this.reply;
    const midReply = reply !== undefined && !reply.finished && !reply.cancelled;
    const heard = midReply ? ` after ${Math.round(reply.acceptedMs)} ms of reply audio` : "";
    const error = new VoiceStreamEndedError(
      `The connection to the voice agent closed${midReply ? " in the middle of a reply" : ""}${heard} (${detail}). ` +
        "The call cannot go on: check the agent server (its logs, its limits) and the network.",
    );
    if (reply?.cancelled && !reply.transportEnded) reply.markTransportEnded(this.clock());
    this.failInFlight(error);
  }

  // ---------------------------------------------------------------------------------------------
  // The agent contract.
  // ---------------------------------------------------------------------------------------------

  /** Opens the transport and starts a fresh recording. */
  async connect(context: AgentConnectContext): Promise<void> {
    this.resetCall();
    await this.transportConnect(context);
    this.connected = true;
  }

  /** Closes the transport; anything still in flight is dropped. */
  async disconnect(): Promise<void> {
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) {
      reply.cancelled = true;
      this.finishReply(reply, "interrupted");
    }
    this.connected = false;
    await this.transportDisconnect();
  }

  /** The call's recording, timeline and latency, under `voice`. */
  collectArtifacts(): { voice: VoiceRecording } {
    this.endUserSpeech();
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) {
      // The run ended mid-reply: keep what was heard, marked as cut.
      reply.cancelled = true;
      this.finishReply(reply, "interrupted", this.playedMs(reply, this.clock()));
    }
    return { voice: this.recorder.toRecording() };
  }

  /**
   * The default turn: sends the user's new messages as audio (text-only ones spoken with `speech`,
   * or sent as text when the transport accepts it), ends the user's turn, receives the reply and
   * returns it as a voice message (audio + transcript), preceded by its tool calls and results.
   * A voice user simulator's `planInterruption()` makes it barge in on the reply.
   */
  async call(input: AgentInput): Promise<AgentReturn> {
    const turn = this.beginTurn();
    try {
      this.throwPendingError();
      await this.settlePreviousReply();
      for (const message of input.newMessages) {
        if (message.role === "user") await this.sendUserMessage(message);
      }
      this.throwIfAborted(input.signal);
      const plan = this.interruptionPlanFor(input);
      const reply = await this.endTurn(plan?.afterMs);
      turn.resolveReplyOpened(reply);
      for await (const _chunk of this.consumeReply(reply, { signal: input.signal })) {
        // The reply's audio is collected by the reply itself; the loop only drives it to its end.
      }
      return await this.replyMessages(reply);
    } finally {
      // No-op once the reply opened; otherwise a waiting interrupt() learns there is none.
      turn.resolveReplyOpened(undefined);
      if (this.turn === turn) this.turn = undefined;
    }
  }

  /**
   * Sends user audio to the agent (recorded as user speech). It is part of the user's turn, which
   * the next `receiveAudio()` or `call()` ends.
   */
  async sendAudio(chunk: AudioChunk): Promise<void> {
    this.throwPendingError();
    this.assertConnected("sendAudio()");
    if (chunk.data.byteLength % 2 !== 0) {
      throw new ConfigurationError(
        `Audio chunk has an odd number of bytes (${chunk.data.byteLength}): send whole PCM16 samples (2 bytes each).`,
      );
    }
    if (chunk.data.byteLength === 0) return;
    if (this.userSpeech === undefined) {
      const startMs = Math.max(this.callNowMs(), this.userAudioEndsAtMs);
      this.userSpeech = {
        segment: this.recorder.beginSegment("user", startMs),
        startMs,
        bytes: 0,
        transcript: "",
      };
    }
    const speech = this.userSpeech;
    await this.transportSendAudio(chunk);
    speech.segment.append(chunk.data);
    speech.bytes += chunk.data.byteLength;
    if (chunk.transcript) speech.transcript = chunk.transcript;
    this.userAudioEndsAtMs = speech.startMs + pcmDurationMsOfBytes(speech.bytes);
  }

  /**
   * Receives the agent's reply: ends the user's turn when the user spoke (or no reply is in flight),
   * then yields the reply's audio until it ends. Options override the adapter's for this reply.
   */
  async *receiveAudio(options: ReceiveAudioOptions = {}): AsyncIterable<AudioChunk> {
    assertPositiveMs(options, REPLY_TIMING_NAMES);
    this.throwPendingError();
    let reply = this.reply;
    if (reply === undefined || reply.finished || this.userSpeech !== undefined) {
      await this.settlePreviousReply();
      reply = await this.endTurn();
    }
    yield* this.consumeReply(reply, options);
  }

  /**
   * Barges in on the reply in flight: stops accepting its audio, cancels it natively when the
   * transport can, marks the cut segment truncated, records the `user-interrupt` event with its
   * outcome and the interrupt response time, and lets the pending `call()` return the truncated
   * reply at once.
   */
  async interrupt(): Promise<InterruptOutcome> {
    let reply = this.reply;
    if ((reply === undefined || reply.finished) && this.turn !== undefined) {
      reply = await this.turn.replyOpened;
    }
    // A cancelled reply is always finished too, so bargeIn() only ever sees a live one.
    if (reply === undefined || reply.finished) return this.nothingToInterrupt();
    return this.bargeIn(reply);
  }

  /** Sends DTMF digits (`0-9*#`); `VoiceUnsupportedError` when the transport has no DTMF. */
  async sendDtmf(digits: string): Promise<void> {
    if (!this.capabilities.dtmf) {
      throw new VoiceUnsupportedError(
        `${this.name} cannot send DTMF digits (capabilities.dtmf is false). Use a telephony adapter that supports DTMF, or drop the dtmf() step.`,
      );
    }
    if (!DTMF_DIGITS.test(digits)) {
      throw new ConfigurationError(`Invalid DTMF digits "${digits}": use only 0-9, * and #.`);
    }
    this.throwPendingError();
    this.assertConnected("sendDtmf()");
    await this.transportSendDtmf(digits);
  }

  // ---------------------------------------------------------------------------------------------
  // Internals.
  // ---------------------------------------------------------------------------------------------

  /** Milliseconds since the call started, on the call clock (see the class comment). */
  protected callNowMs(): number {
    return this.clock() - this.callStartedAtWallMs + this.callClockOffsetMs;
  }

  private newRecorder(): VoiceRecorder {
    // The recorder reads call time; created at call time 0 so its own elapsedMs() agrees.
    return createVoiceRecorder({ clock: () => this.callNowMs() });
  }

  private resetCall(): void {
    if (this.reply !== undefined) this.reply.clearTimers();
    this.callStartedAtWallMs = this.clock();
    this.callClockOffsetMs = 0;
    this.recorder = this.newRecorder();
    this.userSpeech = undefined;
    this.userAudioEndsAtMs = 0;
    this.pendingTurnEndMs = undefined;
    this.reply = undefined;
    this.turn = undefined;
    this.pendingError = undefined;
  }

  /** Moves the call clock forward to `atMs` when audio has run ahead of the wall clock. */
  private advanceCallClockTo(atMs: number): void {
    const now = this.callNowMs();
    if (atMs > now) this.callClockOffsetMs += atMs - now;
  }

  private beginTurn(): TurnInFlight {
    let resolve!: (reply: PendingReply | undefined) => void;
    const replyOpened = new Promise<PendingReply | undefined>((done) => {
      resolve = done;
    });
    const turn: TurnInFlight = { replyOpened, resolveReplyOpened: resolve };
    this.turn = turn;
    return turn;
  }

  private assertConnected(what: string): void {
    if (!this.connected) {
      throw new VoiceStreamEndedError(
        `${this.name}: ${what} needs an open connection. connect() was not called, or the connection has closed.`,
      );
    }
  }

  private throwPendingError(): void {
    const error = this.pendingError;
    if (error === undefined) return;
    this.pendingError = undefined;
    throw error;
  }

  private throwIfAborted(signal: AbortSignal | undefined): void {
    if (signal?.aborted) throw new RunCancelledError();
  }

  private rememberError(error: unknown): void {
    if (this.pendingError === undefined)
      this.pendingError = error instanceof Error ? error : new Error(String(error));
  }

  /** A cancelled reply must be over on the transport before the next one is asked for. */
  private async settlePreviousReply(): Promise<void> {
    const previous = this.reply;
    if (previous === undefined || previous.transportEnded || !previous.cancelled) return;
    await Promise.race([previous.transportEndedSignal, delay(this.timings.interruptTimeoutMs)]);
  }

  private async sendUserMessage(message: ModelMessage): Promise<void> {
    const audio = audioFromMessage(message);
    if (audio !== undefined) {
      await this.sendUserAudio(audio.data, audio.transcript ?? transcriptOf(message), voiceStyleOf(message));
      return;
    }
    const text = transcriptOf(message);
    if (text.trim() === "") return;
    if (this.voiceOptions.speech !== undefined) {
      const spoken = await this.voiceOptions.speech.synthesize(text);
      await this.sendUserAudio(spoken.data, text);
      return;
    }
    if (this.transportSendText !== undefined) {
      this.assertConnected("sending a text turn");
      await this.transportSendText(text);
      return;
    }
    throw new VoiceUnsupportedError(
      `${this.name} got a user message with text only ("${text.slice(0, 60)}") and cannot speak it: ` +
        "pass a speech synthesizer as the adapter's `speech` option (for example fliteSpeech() from @scenario/voice), " +
        "or give the user simulator a voice.",
    );
  }

  private async sendUserAudio(pcm: Uint8Array, transcript: string, voiceStyle?: string): Promise<void> {
    // Each message is one stretch of speech.
    this.endUserSpeech();
    const frames = pcm.byteLength === 0 ? [] : splitPcmFrames(pcm, this.timings.userAudioFrameMs);
    for (const frame of frames) await this.sendAudio({ data: frame });
    if (this.userSpeech !== undefined) {
      if (transcript !== "") this.userSpeech.transcript = transcript;
      this.userSpeech.voiceStyle = voiceStyle;
    }
    this.endUserSpeech();
  }

  private endUserSpeech(): void {
    const speech = this.userSpeech;
    if (speech === undefined) return;
    this.userSpeech = undefined;
    const endMs = speech.startMs + pcmDurationMsOfBytes(speech.bytes);
    speech.segment.end({
      atMs: endMs,
      ...(speech.transcript !== "" && { transcript: speech.transcript }),
      ...(speech.voiceStyle !== undefined && { voiceStyle: speech.voiceStyle }),
    });
  }

  /** Ends the user's turn: closes their speech, asks the transport for a reply and opens it. */
  private async endTurn(interruptAfterMs?: number): Promise<PendingReply> {
    this.assertConnected("a turn");
    this.endUserSpeech();
    // The user's audio went out faster than they could have spoken it: the call resumes after it.
    this.advanceCallClockTo(this.userAudioEndsAtMs);
    const turnEndedAtMs = this.callNowMs();
    this.pendingTurnEndMs = turnEndedAtMs;
    const reply = this.openReply(turnEndedAtMs);
    // Planned before the request: the reply may start arriving before the request returns.
    if (interruptAfterMs !== undefined) this.setPlannedInterruption(reply, interruptAfterMs);
    try {
      await this.transportEndTurn();
    } catch (error) {
      this.failReply(reply, error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      reply.resolveRequested();
    }
    return reply;
  }

  private openReply(turnEndedAtMs: number | undefined): PendingReply {
    const previous = this.reply;
    // A reply the agent started by itself and nobody consumed ends where the next one begins.
    if (previous !== undefined && !previous.finished) this.finishReply(previous, "completed");
    const reply = new PendingReply(turnEndedAtMs, this.clock(), this.timings);
    this.reply = reply;
    return reply;
  }

  /** The reply incoming events belong to: the open one, or a new one the agent started by itself. */
  private replyForIncoming(): PendingReply | undefined {
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) return reply;
    // Late events of a cancelled reply are dropped until the transport confirms it ended.
    if (reply?.cancelled && !reply.transportEnded) return undefined;
    const unsolicited = this.openReply(this.pendingTurnEndMs);
    unsolicited.resolveRequested();
    return unsolicited;
  }

  private startAgentSegment(reply: PendingReply, nowWallMs: number): void {
    this.endUserSpeech();
    this.advanceCallClockTo(this.userAudioEndsAtMs);
    reply.firstAudioAtWallMs = nowWallMs;
    const startMs = this.callNowMs();
    reply.segmentStartMs = startMs;
    reply.segment = this.recorder.beginSegment("agent", startMs);
    if (reply.turnEndedAtMs !== undefined && this.pendingTurnEndMs === reply.turnEndedAtMs) {
      this.recorder.recordTimeToFirstAudio(Math.max(0, startMs - reply.turnEndedAtMs));
      this.pendingTurnEndMs = undefined;
    }
  }

  /** Milliseconds of the reply the caller has heard at wall time `atWallMs`. */
  private playedMs(reply: PendingReply, atWallMs: number): number {
    if (reply.firstAudioAtWallMs === undefined) return 0;
    if (this.playback === "instant") return reply.acceptedMs;
    return Math.min(reply.acceptedMs, Math.max(0, atWallMs - reply.firstAudioAtWallMs));
  }

  /** Arms the reply's timers with the consumer's options, once. */
  private armReply(reply: PendingReply, options: ReceiveAudioOptions): void {
    if (reply.armed) return;
    reply.armed = true;
    if (options.firstAudioTimeoutMs !== undefined) reply.firstAudioTimeoutMs = options.firstAudioTimeoutMs;
    if (options.silenceTailMs !== undefined) reply.silenceTailMs = options.silenceTailMs;
    if (options.maxReplyMs !== undefined) reply.maxReplyMs = options.maxReplyMs;
    if (reply.firstAudioAtWallMs !== undefined || reply.finished) return;
    const deadline = reply.openedAtWallMs + reply.firstAudioTimeoutMs;
    reply.schedule(deadline - this.clock(), () => {
      if (reply.finished || reply.firstAudioAtWallMs !== undefined || reply.cancelled) return;
      const error = new VoiceFirstAudioTimeoutError(
        `The agent sent no audio within ${reply.firstAudioTimeoutMs} ms after the user's turn. ` +
          "Check that the agent is running and answering (its logs, its API key), or raise firstAudioTimeoutMs.",
      );
      this.failReply(reply, error);
      // Best effort: a reply that starts after we gave up must not leak into the next turn.
      if (this.capabilities.interruption) {
        reply.cancelled = true;
        this.transportInterrupt({ playedMs: 0, replyDelivered: false }).catch(() => undefined);
      }
    });
  }

  private armSilenceTail(reply: PendingReply): void {
    if (reply.finished || reply.firstAudioAtWallMs === undefined) return;
    const tailMs = reply.silenceTailMs;
    const activityAt = reply.lastActivityAtWallMs;
    reply.schedule(tailMs, () => {
      if (reply.finished || reply.lastActivityAtWallMs !== activityAt) return;
      this.finishWhenPlayed(reply, "silence-tail");
    });
  }

  /** Ends the reply now, or (real-time playback) once its received audio has been played. */
  private finishWhenPlayed(reply: PendingReply, reason: ReplyEndReason): void {
    if (reply.finished) return;
    if (this.playback === "realtime" && reply.firstAudioAtWallMs !== undefined) {
      const playbackEndsAt = reply.firstAudioAtWallMs + reply.acceptedMs;
      const remaining = playbackEndsAt - this.clock();
      if (remaining > 0) {
        reply.schedule(remaining, () => this.finishWhenPlayed(reply, reason));
        return;
      }
    }
    this.finishReply(reply, reason);
  }

  private setPlannedInterruption(reply: PendingReply, afterMs: number): void {
    if (!Number.isFinite(afterMs) || afterMs < 0) return;
    reply.interruptAfterMs = afterMs;
    if (this.playback === "realtime") this.checkPlannedInterruption(reply);
  }

  /** Real-time playback: barge in once the caller has heard `interruptAfterMs` of the reply. */
  private checkPlannedInterruption(reply: PendingReply): void {
    const afterMs = reply.interruptAfterMs;
    if (afterMs === undefined || this.playback !== "realtime" || reply.finished || reply.cancelled) return;
    if (reply.firstAudioAtWallMs === undefined) return;
    const now = this.clock();
    if (this.playedMs(reply, now) >= afterMs) {
      void this.bargeIn(reply).catch((error: unknown) => this.rememberError(error));
      return;
    }
    const dueIn = reply.firstAudioAtWallMs + afterMs - now;
    if (dueIn > 0) reply.schedule(dueIn, () => this.checkPlannedInterruption(reply));
  }

  private async cutAtMaxLength(reply: PendingReply): Promise<void> {
    if (reply.finished || reply.cancelled || reply.bargeIn !== undefined) return;
    // The reply keeps its first maxReplyMs; the server drops the rest.
    const playedMs = reply.acceptedMs;
    reply.cancelled = true;
    this.finishReply(reply, "max-length");
    if (this.capabilities.interruption && !reply.transportEnded) {
      await this.transportInterrupt({ playedMs, replyDelivered: false }).catch((error: unknown) =>
        this.rememberError(error),
      );
    }
  }

  /**
   * Stops the reply: the caller barged in (`interrupt()`), or a simulator planned to. A second
   * barge-in on the same reply shares the first one's outcome.
   */
  private bargeIn(reply: PendingReply): Promise<InterruptOutcome> {
    if (reply.bargeIn !== undefined) return reply.bargeIn;
    reply.bargeIn = this.performBargeIn(reply);
    return reply.bargeIn;
  }

  private async performBargeIn(reply: PendingReply): Promise<InterruptOutcome> {
    // Cancel what was asked for, not a request still on its way.
    await reply.requested;
    if (reply.cancelled || reply.finished) return this.nothingToInterrupt();
    const interruptedAtWallMs = this.clock();
    const spoke = reply.firstAudioAtWallMs !== undefined;
    const outcome: InterruptOutcome = spoke ? "fired-after-speech" : "fired-before-speech";
    let playedMs = this.playedMs(reply, interruptedAtWallMs);
    if (reply.interruptAfterMs !== undefined) playedMs = Math.min(playedMs, reply.interruptAfterMs);
    const replyDelivered = reply.transportEnded;
    const native = this.capabilities.interruption;
    reply.cancelled = true;
    const atMs = spoke ? reply.segmentStartMs + playedMs : Math.max(this.callNowMs(), this.userAudioEndsAtMs);
    this.recorder.addEvent({
      type: "user-interrupt",
      atMs,
      outcome,
      details: { playedMs: Math.round(playedMs), native, replyDelivered },
    });
    this.finishReply(reply, "interrupted", playedMs);
    if (native) {
      await this.transportInterrupt({ playedMs, replyDelivered });
    }
    if (replyDelivered) {
      // Everything had arrived: the agent stopped the moment playback did.
      this.recorder.recordInterruptResponse(Math.max(0, this.clock() - interruptedAtWallMs));
      return outcome;
    }
    const stoppedAt = await Promise.race([
      reply.transportEndedSignal,
      delay(this.timings.interruptTimeoutMs).then(() => undefined),
    ]);
    if (stoppedAt !== undefined) {
      this.recorder.recordInterruptResponse(Math.max(0, stoppedAt - interruptedAtWallMs));
    }
    return outcome;
  }

  /** Records a barge-in that found no reply to stop. */
  private nothingToInterrupt(): InterruptOutcome {
    this.recorder.addEvent({
      type: "user-interrupt",
      atMs: this.callNowMs(),
      outcome: "nothing-to-interrupt",
    });
    return "nothing-to-interrupt";
  }

  /** Ends the reply and its segment. `keepMs` cuts the audio to what the caller heard. */
  private finishReply(reply: PendingReply, reason: ReplyEndReason, keepMs?: number): void {
    if (reply.finished) return;
    reply.finished = true;
    reply.clearTimers();
    if (keepMs !== undefined && keepMs < reply.acceptedMs) {
      const kept = concatPcm(reply.audio).subarray(0, pcmByteLength(keepMs));
      reply.audio.length = 0;
      reply.audio.push(kept);
      reply.acceptedBytes = kept.byteLength;
    }
    if (reply.segment !== undefined) {
      const truncated = reason === "interrupted" || reason === "max-length";
      const endMs = reply.segmentStartMs + reply.acceptedMs;
      const transcript = reply.finalTranscript ?? reply.transcript;
      // Appended only now, once a barge-in may have cut the audio to what the caller heard.
      reply.segment.append(concatPcm(reply.audio));
      reply.segment.end({ atMs: endMs, truncated, ...(transcript !== "" && { transcript }) });
      // The reply played in real time on the call clock, even if it arrived faster.
      this.advanceCallClockTo(endMs);
    }
    reply.notify();
  }

  private failReply(reply: PendingReply, error: Error): void {
    if (reply.finished) return;
    reply.error = error;
    this.finishReply(reply, "failed");
  }

  private failInFlight(error: Error): void {
    const reply = this.reply;
    if (reply !== undefined && !reply.finished) {
      this.failReply(reply, error);
      return;
    }
    this.rememberError(error);
  }

  /** A voice user simulator's plan to barge in on this turn's reply, if it has one. */
  private interruptionPlanFor(input: AgentInput): { afterMs: number } | undefined {
    const planner = input.scenarioConfig.agents.find(
      (agent): agent is typeof agent & InterruptionPlanner =>
        (agent as unknown) !== this &&
        typeof (agent as Partial<InterruptionPlanner>).planInterruption === "function",
    );
    if (planner === undefined) return undefined;
    const plan = planner.planInterruption({ turn: input.scenarioState.currentTurn });
    return plan ?? undefined;
  }

  /** Yields the reply's audio as it arrives, until it ends; throws its error. */
  private async *consumeReply(reply: PendingReply, options: ReceiveAudioOptions): AsyncGenerator<AudioChunk> {
    this.armReply(reply, options);
    const signal = options.signal;
    let index = 0;
    const onAbort = () => reply.notify();
    signal?.addEventListener("abort", onAbort);
    try {
      for (;;) {
        while (index < reply.audio.length) {
          const data = reply.audio[index++]!;
          yield { data, timestampMs: this.callNowMs() };
        }
        if (reply.error !== undefined) throw reply.error;
        if (reply.finished) return;
        if (signal?.aborted) {
          reply.cancelled = true;
          this.finishReply(reply, "interrupted", this.playedMs(reply, this.clock()));
          throw new RunCancelledError();
        }
        await reply.changed();
      }
    } finally {
      signal?.removeEventListener("abort", onAbort);
    }
  }

  /** The conversation messages for a finished reply: tool calls and results, then the voice message. */
  private async replyMessages(reply: PendingReply): Promise<ModelMessage[]> {
    const audio = concatPcm(reply.audio);
    let transcript = reply.finalTranscript ?? reply.transcript;
    if (transcript === "" && audio.byteLength > 0 && this.voiceOptions.transcription !== undefined) {
      transcript = await this.voiceOptions.transcription.transcribe({ data: audio });
    }
    const messages: ModelMessage[] = [];
    if (reply.toolCalls.length > 0) messages.push({ role: "assistant", content: [...reply.toolCalls] });
    if (reply.toolResults.length > 0) messages.push({ role: "tool", content: [...reply.toolResults] });
    messages.push(voiceMessage("assistant", audio, transcript.trim()));
    return messages;
  }
}
