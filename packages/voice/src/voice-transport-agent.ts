import {
  AGENT_SPECIFICATION_VERSION,
  type AgentConnectContext,
  type AgentInput,
  type AgentPreflightContext,
  type AgentReturn,
  AgentRole,
  type AudioChunk,
  ConfigurationError,
  type InterruptOptions,
  type InterruptOutcome,
  type ReceiveAudioOptions,
  RunCancelledError,
  ScenarioError,
  VOICE_SPECIFICATION_VERSION,
  type VoiceAgentAdapterLike,
  type VoiceCapabilities,
  type VoiceRecording,
  VoiceServerError,
  type VoiceTransport,
  type VoiceTransportEvent,
} from "@scenario/spec";
import { nothingToInterrupt, plannedBargeIn } from "./barge-in";
import { beginTurnInFlight, type PendingReply } from "./pending-reply";
import { ReplyControl } from "./reply-control";
import { replyMessages } from "./reply-messages";
import { assertDtmfDigits, assertStepRequirements, requireCapability } from "./transport-capabilities";
import { applyTransportEvent } from "./transport-events";
import { UserSpeech } from "./user-speech";
import { VoiceCall } from "./voice-call";
import { openVoiceCallObservers, type VoiceCallObservers } from "./voice-call-observers";
import { type VoiceCallSummary, voiceCallSummary } from "./voice-call-summary";
import {
  assertPositiveMs,
  assertVoiceTransport,
  REPLY_TIMING_NAMES,
  type VoiceSessionOptions,
  type VoiceSessionTimings,
} from "./voice-session-options";

/**
 * The session driver: an `AgentAdapter` (and voice adapter) that holds a call over any
 * `VoiceTransport`. It supplies the default turn (`call()`: send the user's audio, end the turn,
 * receive the reply until the transport ends it or a tail of silence, with a first-audio timeout and
 * a length limit), audio conversion and pacing, barge-in (`interrupt()`, or a participant's
 * `AgentInput.interruptionPlan`), the recording with its timeline and latency (`collectArtifacts()`
 * returns `{ voice: VoiceRecording, voiceCall: VoiceCallSummary }`), capability checks before the run (`preflight()`), and typed
 * errors.
 *
 * Recording times are "call time": milliseconds since `connect()`, on a clock that treats audio
 * sent or received faster than real time as if it had been spoken in real time, so segments never
 * overlap and each lasts as long as its audio.
 */
export class VoiceTransportAgent implements VoiceAgentAdapterLike {
  /** The agent contract version. */
  readonly specificationVersion = AGENT_SPECIFICATION_VERSION;
  /** The voice contract version. */
  readonly voiceSpecificationVersion = VOICE_SPECIFICATION_VERSION;
  /** Voice adapters play the agent under test. */
  role: AgentRole = AgentRole.AGENT;
  /** A display name, used in errors and logs. */
  name: string;
  /** The transport the call runs over. */
  readonly transport: VoiceTransport;
  private readonly voiceCall: VoiceCall;
  private readonly replies: ReplyControl;
  private readonly user: UserSpeech;
  private observers: VoiceCallObservers | undefined;

  constructor(transport: VoiceTransport, options: VoiceSessionOptions = {}) {
    assertVoiceTransport(transport);
    this.transport = transport;
    this.voiceCall = new VoiceCall(transport, options);
    this.name = this.voiceCall.name;
    this.replies = new ReplyControl(this.voiceCall);
    this.user = new UserSpeech(this.voiceCall, this.replies);
  }

  /** What the transport can do. */
  get capabilities(): VoiceCapabilities {
    return this.transport.capabilities;
  }

  /** The timing options, with their defaults applied. */
  get timings(): VoiceSessionTimings {
    return this.voiceCall.timings;
  }

  /** Milliseconds since the call started, on the call clock. */
  callNowMs(): number {
    return this.voiceCall.nowMs();
  }

  /** Fails before the run when a script step needs a capability the transport lacks. */
  preflight(context: AgentPreflightContext): void {
    assertStepRequirements(this.name, this.capabilities, context.requirements);
  }

  /** Opens the transport and starts a fresh recording. */
  async connect(context: AgentConnectContext): Promise<void> {
    const call = this.voiceCall;
    this.replies.reset();
    await this.observers?.close();
    // The scenario's audio hooks and playback watch the agent under test's call only.
    this.observers =
      this.role === AgentRole.AGENT ? openVoiceCallObservers(context.scenarioConfig, this.name) : undefined;
    call.restart(this.observers?.hooks);
    this.user.reset();
    const emit = (event: VoiceTransportEvent) => {
      try {
        applyTransportEvent(this.replies, event, () => this.user.endSegment());
      } catch (error) {
        // emit() never throws into the transport's socket handlers: the turn reports it.
        call.rememberError(error);
      }
    };
    try {
      await this.transport.connect({ ...context, emit });
    } catch (error) {
      if (ScenarioError.isInstance(error)) throw error;
      throw new VoiceServerError(
        `${this.name} could not connect: ${error instanceof Error ? error.message : String(error)}`,
        { cause: error },
      );
    }
    call.connected = true;
  }

  /** Closes the transport; anything still in flight is dropped. */
  async disconnect(): Promise<void> {
    this.replies.abandon(false);
    this.voiceCall.connected = false;
    try {
      await this.transport.close();
    } finally {
      await this.observers?.close();
      this.observers = undefined;
    }
  }

  /**
   * The call's recording, timeline and latency under `voice`, and under `voiceCall` its plain-JSON
   * summary, which the HTML report draws its voice section from (with the call's audio when the
   * `reportAudio` option asks for it).
   */
  collectArtifacts(): { voice: VoiceRecording; voiceCall: VoiceCallSummary } {
    this.user.endSegment();
    // The run ended mid-reply: keep what was heard, marked as cut.
    this.replies.abandon(true);
    this.replies.settleInterruptResponse?.();
    const voice = this.voiceCall.recorder.toRecording();
    const embedAudio = this.voiceCall.options.reportAudio === true;
    return { voice, voiceCall: voiceCallSummary(voice, { embedAudio }) };
  }

  /**
   * The default turn: sends the user's new messages as audio (text-only ones spoken with `speech`,
   * or sent as text when the transport accepts it), ends the user's turn, receives the reply and
   * returns it as a voice message (audio + transcript), preceded by its tool calls and results.
   * `input.interruptionPlan` makes it barge in on the reply.
   */
  async call(input: AgentInput): Promise<AgentReturn> {
    const turn = beginTurnInFlight();
    this.replies.turn = turn;
    try {
      this.voiceCall.throwPendingError();
      // A reply cut by the caller's speech goes on until the far side hears that speech.
      if (this.capabilities.bargeIn !== "on-user-speech") await this.replies.settlePrevious();
      for (const message of input.newMessages) {
        if (message.role === "user") await this.user.sendMessage(message);
      }
      if (input.signal?.aborted) throw new RunCancelledError();
      await this.replies.settlePrevious();
      const reply = await this.endTurn(input.interruptionPlan?.afterMs);
      turn.resolveReplyOpened(reply);
      for await (const _chunk of this.replies.consume(reply, { signal: input.signal })) {
        // The reply's audio is collected by the reply itself; the loop only drives it to its end.
      }
      return await replyMessages(reply, this.voiceCall.options.transcription);
    } finally {
      // No-op once the reply opened; otherwise a waiting interrupt() learns there is none.
      turn.resolveReplyOpened(undefined);
      if (this.replies.turn === turn) this.replies.turn = undefined;
    }
  }

  /**
   * Sends user audio (24 kHz PCM16) to the agent, recorded as user speech. It is part of the user's
   * turn, which the next `receiveAudio()` or `call()` ends.
   */
  async sendAudio(chunk: AudioChunk): Promise<void> {
    await this.user.sendAudio(chunk);
  }

  /**
   * Receives the agent's reply: ends the user's turn when the user spoke (or no reply is in flight),
   * then yields the reply's audio until it ends. Options override the adapter's for this reply.
   */
  async *receiveAudio(options: ReceiveAudioOptions = {}): AsyncIterable<AudioChunk> {
    assertPositiveMs(options, REPLY_TIMING_NAMES);
    this.voiceCall.throwPendingError();
    let reply = this.replies.reply;
    if (reply === undefined || reply.finished || this.user.speaking) {
      await this.replies.settlePrevious();
      reply = await this.endTurn();
    }
    yield* this.replies.consume(reply, options);
  }

  /**
   * Barges in on the reply in flight: stops accepting its audio, tells the transport, marks the cut
   * segment truncated, records the `user-interrupt` event with its outcome and the interrupt
   * response time, and lets the pending `call()` return the truncated reply at once.
   *
   * With `afterMs` or `afterWords` it barges in at that point of the reply instead of now, and
   * resolves once it has (or with `"reply-ended-first"` when the reply ended before that point).
   */
  async interrupt(options: InterruptOptions = {}): Promise<InterruptOutcome> {
    const plan = checkInterruptOptions(this.name, this.capabilities, options);
    let reply = this.replies.reply;
    const turn = this.replies.turn;
    if ((reply === undefined || reply.finished) && turn !== undefined) {
      reply = await turn.replyOpened;
      // The turn's whole reply came and went before the planned point could be reached.
      if (plan !== undefined && reply?.finished && !reply.cancelled) {
        return plannedBargeIn(this.replies, reply, plan);
      }
    }
    // A cancelled reply is always finished too, so bargeIn() only ever sees a live one.
    if (reply === undefined || reply.finished) return nothingToInterrupt(this.replies);
    if (plan !== undefined) return plannedBargeIn(this.replies, reply, plan);
    return this.replies.bargeIn(reply);
  }

  /** Sends DTMF digits (`0-9*#`); `VoiceUnsupportedError` when the transport has no DTMF. */
  async sendDtmf(digits: string): Promise<void> {
    requireCapability(this.name, this.capabilities, "dtmf", "sendDtmf()");
    assertDtmfDigits(digits);
    this.voiceCall.throwPendingError();
    this.voiceCall.assertConnected("sendDtmf()");
    const sendDtmf = this.transport.sendDtmf;
    if (sendDtmf === undefined) {
      throw new ConfigurationError(`${this.name} declares capabilities.dtmf but has no sendDtmf() method.`);
    }
    await sendDtmf.call(this.transport, digits);
  }

  /** Ends the user's turn: closes their speech, asks the transport for a reply and opens it. */
  private async endTurn(interruptAfterMs?: number): Promise<PendingReply> {
    const call = this.voiceCall;
    call.assertConnected("a turn");
    await this.user.finish();
    // The user's audio went out faster than they could have spoken it: the call resumes after it.
    call.clock.advanceTo(call.userAudioEndsAtMs);
    const turnEndedAtMs = call.nowMs();
    call.pendingTurnEndMs = turnEndedAtMs;
    const reply = this.replies.open(turnEndedAtMs);
    // Planned before the request: the reply may start arriving before the request returns.
    if (interruptAfterMs !== undefined) this.replies.setPlannedInterruption(reply, interruptAfterMs);
    try {
      await this.transport.endUserTurn();
    } catch (error) {
      this.replies.fail(reply, error instanceof Error ? error : new Error(String(error)));
      throw error;
    } finally {
      reply.resolveRequested();
    }
    return reply;
  }
}

/** Checks `interrupt()`'s options; returns the plan (one of them), or undefined to barge in now. */
function checkInterruptOptions(
  adapterName: string,
  capabilities: VoiceCapabilities,
  options: InterruptOptions,
): InterruptOptions | undefined {
  if (typeof options !== "object" || options === null) {
    throw new ConfigurationError(
      `interrupt() takes { afterMs } or { afterWords }, got ${JSON.stringify(options)}.`,
    );
  }
  const { afterMs, afterWords } = options;
  if (afterMs !== undefined && afterWords !== undefined) {
    throw new ConfigurationError(
      "interrupt(): give afterMs or afterWords, not both: the barge-in happens at one point of the reply.",
    );
  }
  if (afterMs !== undefined) {
    if (typeof afterMs !== "number" || !Number.isFinite(afterMs) || afterMs < 0) {
      throw new ConfigurationError(
        `interrupt(): afterMs must be a number of milliseconds >= 0, got ${String(afterMs)}.`,
      );
    }
    return { afterMs };
  }
  if (afterWords !== undefined) {
    if (typeof afterWords !== "number" || !Number.isInteger(afterWords) || afterWords < 1) {
      throw new ConfigurationError(
        `interrupt(): afterWords must be a whole number of words >= 1, got ${String(afterWords)}.`,
      );
    }
    requireCapability(adapterName, capabilities, "agentTranscripts", "interrupt({ afterWords })");
    return { afterWords };
  }
  return undefined;
}

/**
 * Turns a `VoiceTransport` into an agent adapter: the session driver (`VoiceTransportAgent`)
 * over it. Provider packages wrap it in their factory.
 *
 * @example
 * export function myVoiceAgent(options: MyVoiceAgentOptions): VoiceTransportAgent {
 *   return voiceTransportAgent(new MyVoiceTransport(options), options);
 * }
 */
export function voiceTransportAgent(
  transport: VoiceTransport,
  options: VoiceSessionOptions = {},
): VoiceTransportAgent {
  return new VoiceTransportAgent(transport, options);
}
