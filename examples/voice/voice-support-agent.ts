import { openai } from "@ai-sdk/openai";
import { type DefinedScenario, defineScenario } from "@scenario/kit";
import { type AgentAdapter, AgentRole } from "@scenario/spec";
import {
  type ComposableAgent,
  type ComposableTextAgent,
  composableAgent,
  fliteSpeech,
  pocketsphinxTranscription,
  type SpeechToTextProvider,
  type TextToSpeechProvider,
} from "@scenario/voice";
import { SupportAgentAdapter } from "../support/support-agent-adapter";

// The support agent by voice, with no voice provider at all: composableAgent() transcribes the
// caller with pocketsphinx, asks the text support agent through its stream(), and speaks its reply
// with flite while the reply is still being written. The same support scenarios then run as phone
// calls, the agent's tool calls kept in the conversation.

/**
 * What the simulated customer says in the support scenarios we run by voice (examples/offline's
 * customer brain and the refund script). Offline recognition is restricted to these lines, which
 * makes it exact.
 */
export const SUPPORT_CALLER_LINES = [
  "Hi, my wireless headphones from order #1042 arrived broken. Can I get a refund?",
  "Great, thank you so much!",
  "hey, where is my standing desk?? order 2077. it's been over a week",
  "it's order 2077",
  "ugh. can I just get a refund instead?",
  "ok fine, I'll wait for it. thanks",
  "I'd like a refund for my espresso machine, order 3001. It stopped heating.",
  "Okay, thanks anyway.",
];

const DIGITS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"];

/** A line as pocketsphinx's dictionary can spell it: "#1042" is "number one zero four two". */
function spokenForm(line: string): string {
  return line
    .replace(/#/g, " number ")
    .replace(/\d/g, (digit) => ` ${DIGITS[Number(digit)]} `)
    .toLowerCase()
    .replace(/[^a-z' ]+/g, " ")
    .split(/\s+/)
    .map((word) => word.replace(/^'+|'+$/g, ""))
    .filter((word) => word !== "")
    .join(" ");
}

/**
 * Offline recognition of the customer's lines: pocketsphinx restricted to their spoken forms, each
 * recognised form mapped back to the line as written (with its order number in digits).
 */
export function supportCallerTranscription(
  lines: readonly string[] = SUPPORT_CALLER_LINES,
): SpeechToTextProvider {
  const lineBySpokenForm = new Map(lines.map((line) => [spokenForm(line), line]));
  const pocketsphinx = pocketsphinxTranscription({ phrases: [...lineBySpokenForm.keys()] });
  return {
    id: "pocketsphinx:support-caller-lines",
    async transcribe(audio, options) {
      const heard = await pocketsphinx.transcribe(audio, {
        ...(options?.signal && { signal: options.signal }),
      });
      return lineBySpokenForm.get(heard) ?? heard;
    },
  };
}

/** True when the demo talks to OpenAI (OPENAI_API_KEY set and SCENARIO_OFFLINE not "1"). */
function isOnline(): boolean {
  return Boolean(process.env.OPENAI_API_KEY) && process.env.SCENARIO_OFFLINE !== "1";
}

/** Options of `voiceSupportAgent()`: anything to swap in tests. */
export interface VoiceSupportAgentOptions {
  /** The text agent; its `stream()`, when it has one, is spoken as it streams. @default a new SupportAgentAdapter */
  agent?: ComposableTextAgent;
  /** The agent's voice. @default flite, voice slt */
  textToSpeech?: TextToSpeechProvider;
  /** The caller's voice (for scripted and simulated text lines). @default flite, voice rms */
  speech?: TextToSpeechProvider;
  /** The session clock, for exact latency in tests. @default performance.now */
  clock?: () => number;
}

/**
 * The support agent as a voice agent: pocketsphinx (offline) or OpenAI's transcription model
 * (online, where a real customer simulator says anything), the text agent, flite.
 */
export function voiceSupportAgent(options: VoiceSupportAgentOptions = {}): ComposableAgent {
  return composableAgent({
    agent: options.agent ?? new SupportAgentAdapter(),
    speechToText: isOnline() ? openai.transcription("gpt-4o-mini-transcribe") : supportCallerTranscription(),
    textToSpeech: options.textToSpeech ?? fliteSpeech({ voice: "slt" }),
    // rms is the flite voice pocketsphinx recognises best.
    speech: options.speech ?? fliteSpeech({ voice: "rms" }),
    // Recognition, the model and synthesis all run before the first audio: on a busy machine that
    // takes seconds.
    firstAudioTimeoutMs: 30_000,
    ...(options.clock !== undefined && { clock: options.clock }),
  });
}

/**
 * A support scenario as a phone call: the same description, script and judge, with the agent under
 * test (the text support agent) wrapped in `voiceSupportAgent()`.
 */
export function byVoice(definition: DefinedScenario): DefinedScenario {
  return defineScenario({
    ...definition,
    name: `${definition.name} (by voice)`,
    setId: "voice",
    agents: async () =>
      (await definition.agents()).map(
        (agent): AgentAdapter => (agent.role === AgentRole.AGENT ? voiceSupportAgent({ agent }) : agent),
      ),
  });
}
