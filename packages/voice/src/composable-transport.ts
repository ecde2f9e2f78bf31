import {
  type AgentAdapter,
  type AgentConnectContext,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AgentStreamPart,
  ConfigurationError,
  type ModelMessage,
  ScenarioError,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  type VoiceTransport,
  type VoiceTransportConnectContext,
  type VoiceTransportEvent,
} from "@scenario/spec";
import { concatPcm, splitPcmFrames } from "./pcm";
import { SentenceBuffer } from "./sentence-buffer";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import { textConversationState } from "./text-conversation-state";

/**
 * What a composable agent's text agent may be: any agent adapter (one with `stream()` is spoken as
 * it streams, tool calls included), or a `StreamingTextAgent`.
 */
export type ComposableTextAgent = AgentAdapter | StreamingTextAgent;

/**
 * A text agent whose `call()` streams its reply as text deltas, so the first sentence is spoken
 * while the rest is still being written (an AI SDK `streamText(...).textStream`, for instance). Its
 * stream is text only; an agent with tools implements `AgentAdapter.stream()` instead, so its tool
 * calls and results are reported and kept.
 */
export interface StreamingTextAgent {
  /** A display name, used in errors. */
  name?: string;
  /** Answers the conversation as a stream of text deltas. */
  call(input: AgentInput): AsyncIterable<string> | Promise<AsyncIterable<string>>;
}

/** The capabilities of a composable agent: everything in process, 24 kHz PCM16 both ways. */
export const composableAgentCapabilities: VoiceCapabilities = {
  inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
  outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
  bargeIn: "native",
  serverVad: false,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: true,
};

/** Agent audio goes out in frames of this many milliseconds, as a streaming TTS would send it. */
const AGENT_FRAME_MS = 200;

/** What the transport needs besides the text agent. */
export interface ComposableTransportParts {
  /** The display name, for errors and reports. */
  name: string;
  /** The text agent that answers. */
  agent: ComposableTextAgent;
  /** Transcribes the caller. */
  speechToText: SpeechToTextProvider;
  /** Speaks the reply. */
  textToSpeech: TextToSpeechProvider;
  /** The reply's voice, as the text-to-speech provider names it. */
  voice: string | undefined;
  /** The phrases the caller is expected to say, for the speech-to-text provider. */
  phrases: readonly string[] | undefined;
}

/** One reply in progress. */
interface Turn {
  controller: AbortController;
  done: Promise<void>;
  /** `reply-end` went out: the reply is over for the driver. */
  ended: boolean;
}

/**
 * The in-process `VoiceTransport` of `composableAgent()`: the caller's audio is transcribed, the
 * text agent answers, and its reply is synthesized sentence by sentence, each sentence sent as soon
 * as it is spoken. It keeps the text conversation the text agent sees (transcripts, not audio).
 */
export class ComposableTransport implements VoiceTransport {
  /** The transport contract version. */
  readonly specificationVersion = VOICE_TRANSPORT_SPECIFICATION_VERSION;
  /** The display name. */
  readonly name: string;
  /** Everything in process, 24 kHz PCM16 both ways. */
  readonly capabilities = composableAgentCapabilities;
  /** The driver's input of the turn in progress: the text agent gets its state, usage and signal. */
  currentInput: AgentInput | undefined;
  private readonly parts: ComposableTransportParts;
  private emit: ((event: VoiceTransportEvent) => void) | undefined;
  private context: AgentConnectContext | undefined;
  private userAudio: Uint8Array[] = [];
  private userText: string | undefined;
  private history: ModelMessage[] = [];
  private turn: Turn | undefined;

  constructor(parts: ComposableTransportParts) {
    this.parts = parts;
    this.name = parts.name;
  }

  /** Starts a call: a fresh text conversation; events go to `context.emit`. */
  async connect(context: VoiceTransportConnectContext): Promise<void> {
    this.emit = context.emit;
    this.turn = undefined;
    this.context = {
      scenarioConfig: context.scenarioConfig,
      threadId: context.threadId,
      ...(context.signal !== undefined && { signal: context.signal }),
    };
    this.userAudio = [];
    this.userText = undefined;
    this.history = [];
  }

  /** Ends the call: a reply in progress stops, and nothing more is reported. */
  async close(): Promise<void> {
    const turn = this.turn;
    this.emit = undefined;
    this.turn = undefined;
    if (turn === undefined) return;
    turn.ended = true;
    turn.controller.abort();
    await turn.done;
  }

  /** Keeps a frame of the caller's audio until the turn ends. */
  async sendAudio(data: Uint8Array): Promise<void> {
    this.userAudio.push(data.slice());
  }

  /** Keeps the caller's text until the turn ends; a turn with text is not transcribed. */
  async sendText(text: string): Promise<void> {
    this.userText = this.userText === undefined ? text : `${this.userText} ${text}`;
  }

  /** Starts the reply; it runs on its own and reports through `emit`, like a remote agent would. */
  async endUserTurn(): Promise<void> {
    // A reply the driver stopped waiting for (a silence tail) must not talk over the next one. It
    // stops without a `reply-end`: the driver has already opened the next reply, which it would end.
    const previous = this.turn;
    if (previous !== undefined && !previous.ended) {
      previous.ended = true;
      previous.controller.abort();
      await previous.done;
    }
    const audio = concatPcm(this.userAudio);
    const text = this.userText;
    this.userAudio = [];
    this.userText = undefined;
    const input = this.currentInput;
    const signals = [input?.signal ?? this.context?.signal].filter((signal) => signal !== undefined);
    const controller = new AbortController();
    const signal = AbortSignal.any([controller.signal, ...signals]);
    const turn: Turn = { controller, done: Promise.resolve(), ended: false };
    turn.done = this.reply(turn, audio, text, input, signal).catch((error: unknown) => {
      if (signal.aborted) return;
      this.emit?.({ type: "error", message: describeFailure(this.parts.agent, error), cause: error });
    });
    this.turn = turn;
  }

  /** Stops the reply: nothing more is said, and `reply-end` confirms it once it stopped. */
  async interrupt(): Promise<void> {
    const turn = this.turn;
    if (turn === undefined || turn.ended) return;
    turn.controller.abort();
    await turn.done;
    this.endReply(turn);
  }

  private async reply(
    turn: Turn,
    audio: Uint8Array,
    text: string | undefined,
    input: AgentInput | undefined,
    signal: AbortSignal,
  ): Promise<void> {
    const { speechToText, phrases } = this.parts;
    let heard = text ?? "";
    if (text === undefined && audio.byteLength > 0) {
      heard = (
        await speechToText.transcribe({ data: audio }, { signal, ...(phrases && { phrases }) })
      ).trim();
    }
    if (signal.aborted) return;
    const newMessages: ModelMessage[] = [];
    if (heard !== "") {
      this.emit?.({ type: "transcript", speaker: "user", text: heard, isFinal: true });
      newMessages.push({ role: "user", content: heard });
    }
    this.history.push(...newMessages);
    const spoken = new SpokenReply();
    try {
      const textInput = this.textAgentInput(input, newMessages, signal);
      const agent = this.parts.agent;
      if ("stream" in agent && typeof agent.stream === "function") {
        await this.speakParts(agent.stream(textInput), spoken, signal);
      } else {
        const result = await agent.call(textInput);
        if (isAsyncIterable(result)) await this.speakStream(result, spoken, signal);
        else await this.speakMessages(result, spoken, signal);
      }
    } finally {
      // What the caller heard is what the agent said, even when a barge-in cut it short.
      this.history.push(...spoken.messages());
    }
    if (signal.aborted) return;
    this.emit?.({ type: "transcript", speaker: "agent", text: spoken.text(), isFinal: true });
    this.endReply(turn);
  }

  private async speakStream(stream: AsyncIterable<string>, spoken: SpokenReply, signal: AbortSignal) {
    const sentences = new SentenceBuffer();
    for await (const delta of stream) {
      if (signal.aborted) return;
      for (const sentence of sentences.push(delta)) await this.speak(sentence, spoken, signal);
    }
    for (const sentence of sentences.flush()) await this.speak(sentence, spoken, signal);
  }

  /** Speaks a reply of `AgentAdapter.stream()`: its text as it streams, its tool messages as they come. */
  private async speakParts(parts: AsyncIterable<AgentStreamPart>, spoken: SpokenReply, signal: AbortSignal) {
    const sentences = new SentenceBuffer();
    // Leaving the loop (a barge-in) ends the agent's stream, which stops its reply.
    for await (const part of parts) {
      if (signal.aborted) return;
      if (part.type === "text-delta") {
        for (const sentence of sentences.push(part.text)) await this.speak(sentence, spoken, signal);
        continue;
      }
      // A message ends a step: what the step said is spoken before its tools run. Its text came
      // as deltas, so only its tool parts are kept.
      for (const sentence of sentences.flush()) await this.speak(sentence, spoken, signal);
      this.keepToolParts(part.message, spoken);
    }
    for (const sentence of sentences.flush()) await this.speak(sentence, spoken, signal);
  }

  private async speakMessages(result: AgentReturn, spoken: SpokenReply, signal: AbortSignal) {
    for (const message of replyMessagesOf(this.parts.agent, result)) {
      if (signal.aborted) return;
      const sentences = new SentenceBuffer();
      for (const text of this.keepToolParts(message, spoken)) {
        for (const sentence of sentences.push(`${text} `)) await this.speak(sentence, spoken, signal);
      }
      for (const sentence of sentences.flush()) await this.speak(sentence, spoken, signal);
    }
  }

  /**
   * Keeps a reply message's tool calls and results for the text conversation and reports them to
   * the driver; returns the texts of an assistant message, to be spoken.
   */
  private keepToolParts(message: ModelMessage, spoken: SpokenReply): string[] {
    if (message.role === "tool") {
      spoken.keep(message);
      for (const part of message.content) {
        if (part.type !== "tool-result") continue;
        const failed = part.output.type === "error-json" || part.output.type === "error-text";
        const output = "value" in part.output ? part.output.value : undefined;
        this.emit?.({
          type: "tool-result",
          callId: part.toolCallId,
          toolName: part.toolName,
          output,
          ...(failed && { isError: true }),
        });
      }
      return [];
    }
    if (message.role !== "assistant") return [];
    if (typeof message.content === "string") return [message.content];
    const texts: string[] = [];
    for (const part of message.content) {
      if (part.type === "tool-call") {
        spoken.keep({ role: "assistant", content: [part] });
        this.emit?.({
          type: "tool-call",
          callId: part.toolCallId,
          toolName: part.toolName,
          input: part.input,
        });
      } else if (part.type === "text") {
        texts.push(part.text);
      }
    }
    return texts;
  }

  /** Synthesizes one sentence and sends it: its words first, then its audio in frames. */
  private async speak(sentence: string, spoken: SpokenReply, signal: AbortSignal): Promise<void> {
    if (signal.aborted) return;
    const { textToSpeech, voice } = this.parts;
    const speech = await textToSpeech.synthesize(sentence, { signal, ...(voice !== undefined && { voice }) });
    if (signal.aborted) return;
    spoken.said(sentence);
    this.emit?.({ type: "transcript", speaker: "agent", text: `${sentence} `, isFinal: false });
    for (const frame of splitPcmFrames(speech.data, AGENT_FRAME_MS)) {
      this.emit?.({ type: "agent-audio", data: frame });
    }
  }

  /**
   * The text agent's input: the driver's turn with the text conversation instead of audio, or, for
   * a turn driven by `receiveAudio()` alone, one made from the call's context.
   */
  private textAgentInput(
    input: AgentInput | undefined,
    newMessages: ModelMessage[],
    signal: AbortSignal,
  ): AgentInput {
    const messages = [...this.history];
    if (input !== undefined) {
      const { interruptionPlan: _plan, ...rest } = input;
      return { ...rest, messages, newMessages, requestedRole: AgentRole.AGENT, signal };
    }
    const context = this.context;
    if (context === undefined) {
      throw new ConfigurationError(`${this.name} was asked for a reply before connect().`);
    }
    return {
      threadId: context.threadId,
      messages,
      newMessages,
      requestedRole: AgentRole.AGENT,
      scenarioState: textConversationState(messages, context),
      scenarioConfig: context.scenarioConfig,
      recordUsage: () => undefined,
      signal,
    };
  }

  private endReply(turn: Turn): void {
    if (turn.ended) return;
    turn.ended = true;
    this.emit?.({ type: "reply-end" });
  }
}

/** The reply as the caller heard it: the sentences spoken, and the tool messages in between. */
class SpokenReply {
  private readonly sentences: string[] = [];
  private readonly toolMessages: ModelMessage[] = [];

  said(sentence: string): void {
    this.sentences.push(sentence);
  }

  keep(message: ModelMessage): void {
    this.toolMessages.push(message);
  }

  text(): string {
    return this.sentences.join(" ");
  }

  messages(): ModelMessage[] {
    const text = this.text();
    return text === ""
      ? [...this.toolMessages]
      : [...this.toolMessages, { role: "assistant", content: text }];
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<string> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** The messages of a whole reply, in the order they were produced. */
function replyMessagesOf(agent: ComposableTextAgent, result: AgentReturn): ModelMessage[] {
  if (result === null || result === undefined) return [];
  if (typeof result === "string") return [{ role: "assistant", content: result }];
  if (Array.isArray(result)) return result;
  if ("role" in result) return [result];
  throw new ConfigurationError(
    `${agent.name ?? "The text agent"} returned a verdict, not a reply: composableAgent() speaks the replies of an agent under test.`,
  );
}

function describeFailure(agent: ComposableTextAgent, error: unknown): string {
  if (ScenarioError.isInstance(error)) return error.message;
  const reason = error instanceof Error ? error.message : String(error);
  return `${agent.name ?? "The text agent"} failed to answer: ${reason}`;
}
