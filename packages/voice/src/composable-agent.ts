import { type AgentInput, type AgentReturn, ConfigurationError } from "@scenario/spec";
import type { AiSdkModelLike } from "./ai-sdk";
import {
  type ComposableTextAgent,
  ComposableTransport,
  composableAgentCapabilities,
  type StreamingTextAgent,
} from "./composable-transport";
import { openAISpeech } from "./openai-speech";
import { openAITranscription } from "./openai-transcription";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import type { VoiceSessionOptions } from "./voice-session-options";
import { VoiceTransportAgent } from "./voice-transport-agent";

export { type ComposableTextAgent, composableAgentCapabilities, type StreamingTextAgent };

/** Options of `composableAgent()`: the text agent, its ears and its voice, and the session's options. */
export interface ComposableAgentOptions extends VoiceSessionOptions {
  /**
   * The text agent to give a voice: any `AgentAdapter` (through its `stream()` when it has one, the
   * reply spoken as it is written, tool calls included; otherwise through `call()`, the whole reply
   * spoken sentence by sentence), or a `StreamingTextAgent` whose text is spoken as it streams.
   */
  agent: ComposableTextAgent;
  /**
   * Transcribes the caller: a provider (`pocketsphinxTranscription()` offline,
   * `openAITranscription()`), or an AI SDK transcription model (`openai.transcription("whisper-1")`).
   */
  speechToText: SpeechToTextProvider | AiSdkModelLike;
  /**
   * Speaks the agent's reply: a provider (`fliteSpeech()` offline, `openAISpeech()`), or an AI SDK
   * speech model (`openai.speech("gpt-4o-mini-tts")`).
   */
  textToSpeech: TextToSpeechProvider | AiSdkModelLike;
  /** The voice the reply is spoken in, as the text-to-speech provider names it. @default the provider's */
  agentVoice?: string;
  /**
   * The reply is over after this many milliseconds without anything from the agent. The transport
   * always signals the end of a reply, so this is only a safety net.
   * @default 30000
   */
  silenceTailMs?: number;
  /**
   * The phrases the caller is expected to say, handed to the speech-to-text provider (a grammar for
   * pocketsphinx, which makes offline recognition exact; a hint for others).
   */
  expectedPhrases?: readonly string[];
}

/** The default silence tail of a composable agent, in milliseconds. */
const COMPOSABLE_SILENCE_TAIL_MS = 30_000;

function isTranscriber(value: unknown): value is SpeechToTextProvider {
  return typeof (value as Partial<SpeechToTextProvider>)?.transcribe === "function";
}

function isSynthesizer(value: unknown): value is TextToSpeechProvider {
  return typeof (value as Partial<TextToSpeechProvider>)?.synthesize === "function";
}

function isAiSdkModel(value: unknown): value is AiSdkModelLike {
  return typeof (value as Partial<AiSdkModelLike>)?.modelId === "string";
}

function resolveSpeechToText(value: ComposableAgentOptions["speechToText"]): SpeechToTextProvider {
  if (isTranscriber(value)) return value;
  if (isAiSdkModel(value)) return openAITranscription({ model: value });
  throw new ConfigurationError(
    "composableAgent() needs `speechToText`: a provider such as pocketsphinxTranscription() or " +
      'openAITranscription(), or an AI SDK model such as openai.transcription("whisper-1").',
  );
}

function resolveTextToSpeech(value: ComposableAgentOptions["textToSpeech"]): TextToSpeechProvider {
  if (isSynthesizer(value)) return value;
  if (isAiSdkModel(value)) return openAISpeech({ model: value });
  throw new ConfigurationError(
    "composableAgent() needs `textToSpeech`: a provider such as fliteSpeech() or openAISpeech(), or " +
      'an AI SDK model such as openai.speech("gpt-4o-mini-tts").',
  );
}

/**
 * A text agent with a voice: the session driver over an in-process transport that transcribes the
 * caller, asks the text agent, and speaks its reply sentence by sentence. Recording, latency,
 * barge-in and capability checks are the driver's, as for any voice adapter.
 */
export class ComposableAgent extends VoiceTransportAgent {
  private readonly composable: ComposableTransport;

  constructor(options: ComposableAgentOptions) {
    if (typeof options?.agent?.call !== "function") {
      throw new ConfigurationError(
        "composableAgent() needs `agent`: the text agent to give a voice (an AgentAdapter with a call() method).",
      );
    }
    const speechToText = resolveSpeechToText(options.speechToText);
    const textToSpeech = resolveTextToSpeech(options.textToSpeech);
    const name = options.name ?? `ComposableAgent(${options.agent.name ?? "text agent"})`;
    const transport = new ComposableTransport({
      name,
      agent: options.agent,
      speechToText,
      textToSpeech,
      voice: options.agentVoice,
      phrases: options.expectedPhrases,
    });
    // The transport always says when a reply ends, so the silence tail is only a safety net: a
    // slow synthesis between two sentences must not end the reply.
    super(transport, {
      ...options,
      name,
      silenceTailMs: options.silenceTailMs ?? COMPOSABLE_SILENCE_TAIL_MS,
    });
    this.composable = transport;
  }

  /** One turn: the driver's, with its input handed to the text agent. */
  override async call(input: AgentInput): Promise<AgentReturn> {
    this.composable.currentInput = input;
    try {
      return await super.call(input);
    } finally {
      this.composable.currentInput = undefined;
    }
  }
}

/**
 * Turns a text `AgentAdapter` into a voice agent: speech-to-text, the text agent, text-to-speech.
 * Its reply is spoken sentence by sentence (as it streams, for an agent with `stream()` such as
 * `aiSdkAgent({ stream: true })`), so the first audio goes out before the whole reply is written. Use it to test a cascaded voice pipeline, or to
 * give a text agent a voice test with no voice provider at all.
 *
 * @example
 * composableAgent({
 *   agent: new SupportAgentAdapter(),
 *   speechToText: pocketsphinxTranscription(),
 *   textToSpeech: fliteSpeech(),
 *   speech: fliteSpeech(), // speaks the scripted user's lines
 * });
 */
export function composableAgent(options: ComposableAgentOptions): ComposableAgent {
  return new ComposableAgent(options);
}
