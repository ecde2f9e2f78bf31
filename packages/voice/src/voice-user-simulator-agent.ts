import {
  type AgentAdapter,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AudioChunk,
  ConfigurationError,
  type InterruptionPlan,
  type InterruptionPlanner,
  MissingAgentError,
  type ScriptStep,
} from "@scenario/spec";
import { type AudioEffect, applyAudioEffects } from "./audio-effects";
import { createSeededRandom, deriveSeed, type Seed } from "./seeded-random";
import type { TextToSpeechProvider } from "./speech-provider";
import { stripAudio, transcriptOf, voiceMessage } from "./voice-message";

/** Options of `speak()`. */
export interface SpeakOptions {
  /** The text-to-speech provider. */
  tts: TextToSpeechProvider;
  /** The provider's voice. @default the provider's */
  voice?: string;
  /** How to speak ("hurried"), for providers that take instructions. */
  style?: string;
  /** Effects applied to the speech, in order (noise, phone line...). */
  effects?: readonly AudioEffect[];
  /** Seeds the effects. @default 0 */
  seed?: Seed;
  /** Aborts the synthesis. */
  signal?: AbortSignal;
}

/**
 * Speaks a fixed line: synthesizes `text` and applies the effects. Resolves to 24 kHz PCM16 audio
 * with `transcript` set to `text`; wrap it with `voiceMessage("user", audio)` to add it to the
 * conversation.
 */
export async function speak(text: string, options: SpeakOptions): Promise<AudioChunk> {
  if (!options?.tts) {
    throw new ConfigurationError("speak(text, options) needs `tts`: pass a provider such as fliteSpeech().");
  }
  const audio = await options.tts.synthesize(text, {
    ...(options.voice !== undefined && { voice: options.voice }),
    ...(options.style !== undefined && { style: options.style }),
    ...(options.signal && { signal: options.signal }),
  });
  const effects = options.effects ?? [];
  const data =
    effects.length === 0 ? audio.data : applyAudioEffects(audio.data, effects, { seed: options.seed ?? 0 });
  return { data, transcript: text };
}

/** Options of `voiceUserSimulatorAgent()`. */
export interface VoiceUserSimulatorAgentOptions {
  /** The text user simulator that decides what to say, such as `userSimulatorAgent()`. */
  simulator: AgentAdapter;
  /** Speaks the simulator's words. */
  tts: TextToSpeechProvider;
  /** The TTS voice. @default the provider's */
  voice?: string;
  /** The initial voice style ("calm", "hurried and annoyed"); `voiceStyle()` steps change it. */
  voiceStyle?: string;
  /** Effects applied to every line, in order. */
  effects?: readonly AudioEffect[];
  /**
   * Seeds the effects (a different stream each turn) and the interruption plans.
   * @default 0
   */
  seed?: Seed;
  /**
   * The chance (0..1) that the user barges in on an agent reply. Core asks `planInterruption()`
   * before each turn of the agent under test and hands the plan to it as `AgentInput.interruptionPlan`.
   * @default 0
   */
  interruptProbability?: number;
  /**
   * The range the barge-in moment is drawn from, in milliseconds of reply audio.
   * @default { minMs: 300, maxMs: 1500 }
   */
  interruptAfterMs?: { minMs: number; maxMs: number };
  /** The adapter's display name. @default "VoiceUserSimulatorAgent" */
  name?: string;
}

/** The adapter `voiceUserSimulatorAgent()` returns. */
export interface VoiceUserSimulatorAgent extends AgentAdapter, InterruptionPlanner {
  /** Always `AgentRole.USER`. */
  role: AgentRole.USER;
  /** The adapter's display name. */
  name: string;
  /** The voice style of the next lines, if any. */
  readonly voiceStyle: string | undefined;
  /** Sets the voice style of the next lines (undefined for none). */
  setVoiceStyle(style: string | undefined): void;
  /**
   * Whether, and when, the user barges in on the agent's reply in turn `turn`. Deterministic:
   * the same seed and turn give the same plan; probability 0 never plans, 1 always does.
   */
  planInterruption(context: { turn: number }): InterruptionPlan | null;
  /** Speaks a fixed line in this user's voice, style and effects. */
  speak(text: string, options?: { signal?: AbortSignal }): Promise<AudioChunk>;
}

/** The words of the simulator's answer, or undefined when it said nothing speakable. */
function lineOf(result: AgentReturn): string | undefined {
  if (typeof result === "string") return result;
  if (result === null || typeof result !== "object") return undefined;
  const messages = Array.isArray(result) ? result : "role" in result ? [result] : [];
  const userMessages = messages.filter((message) => message.role === "user");
  if (userMessages.length === 0) return undefined;
  return userMessages.map(transcriptOf).join(" ");
}

/**
 * A user simulator that speaks: a text simulator decides what to say (reading transcripts, never
 * audio), the TTS provider speaks it in the current voice style, the effects shape it, and the
 * turn becomes a voice message (transcript + WAV). It also plans barge-ins for voice adapters.
 */
export function voiceUserSimulatorAgent(options: VoiceUserSimulatorAgentOptions): VoiceUserSimulatorAgent {
  if (!options?.simulator || typeof options.simulator.call !== "function") {
    throw new ConfigurationError(
      "voiceUserSimulatorAgent() needs `simulator`, a text user simulator such as userSimulatorAgent().",
    );
  }
  if (!options.tts || typeof options.tts.synthesize !== "function") {
    throw new ConfigurationError(
      "voiceUserSimulatorAgent() needs `tts`, a speech provider such as fliteSpeech().",
    );
  }
  const probability = options.interruptProbability ?? 0;
  if (!(probability >= 0 && probability <= 1)) {
    throw new ConfigurationError(
      `voiceUserSimulatorAgent({ interruptProbability }) must be between 0 and 1, got ${probability}.`,
    );
  }
  const { minMs, maxMs } = options.interruptAfterMs ?? { minMs: 300, maxMs: 1500 };
  if (!(minMs >= 0 && maxMs >= minMs)) {
    throw new ConfigurationError(
      `voiceUserSimulatorAgent({ interruptAfterMs }) needs 0 <= minMs <= maxMs, got ${minMs} and ${maxMs}.`,
    );
  }
  const { simulator, tts } = options;
  const seed = options.seed ?? 0;
  let style = options.voiceStyle;
  let lineCount = 0;

  const speakLine = (text: string, signal?: AbortSignal) =>
    speak(text, {
      tts,
      ...(options.voice !== undefined && { voice: options.voice }),
      ...(style !== undefined && { style }),
      ...(options.effects && { effects: options.effects }),
      // Each line gets its own noise, reproducibly.
      seed: deriveSeed(seed, "line", lineCount++),
      ...(signal && { signal }),
    });

  const agent: VoiceUserSimulatorAgent = {
    role: AgentRole.USER,
    name: options.name ?? "VoiceUserSimulatorAgent",
    get voiceStyle() {
      return style;
    },
    setVoiceStyle(next) {
      style = next;
    },
    planInterruption({ turn }) {
      if (probability === 0) return null;
      const random = createSeededRandom(deriveSeed(seed, "interrupt", turn));
      if (random() >= probability) return null;
      return { afterMs: Math.round(minMs + random() * (maxMs - minMs)) };
    },
    speak(text, speakOptions = {}) {
      return speakLine(text, speakOptions.signal);
    },
    async call(input: AgentInput): Promise<AgentReturn> {
      const result = await simulator.call({
        ...input,
        messages: input.messages.map(stripAudio),
        newMessages: input.newMessages.map(stripAudio),
      });
      const line = lineOf(result);
      if (line === undefined || line.trim() === "") return result;
      const audio = await speakLine(line, input.signal);
      return voiceMessage("user", audio, line, style === undefined ? {} : { voiceStyle: style });
    },
    async connect(context) {
      await simulator.connect?.(context);
    },
    async disconnect() {
      await simulator.disconnect?.();
    },
  };
  return agent;
}

function isVoiceUserSimulator(agent: AgentAdapter): agent is VoiceUserSimulatorAgent {
  return (
    agent.role === AgentRole.USER &&
    typeof (agent as Partial<VoiceUserSimulatorAgent>).setVoiceStyle === "function"
  );
}

/**
 * A script step that sets the voice style of the user's next lines ("hurried", "whispering",
 * "angry"); `voiceStyle(undefined)` clears it. The style goes to TTS providers that take
 * instructions and is recorded on the voice message.
 */
export function voiceStyle(style: string | undefined): ScriptStep {
  return (_state, execution) => {
    const simulators = execution.agents.filter(isVoiceUserSimulator);
    if (simulators.length === 0) {
      throw new MissingAgentError(
        "voiceStyle() needs a voice user simulator among the scenario's agents: add voiceUserSimulatorAgent({ simulator, tts }) to `agents`.",
      );
    }
    for (const simulator of simulators) simulator.setVoiceStyle(style);
  };
}
