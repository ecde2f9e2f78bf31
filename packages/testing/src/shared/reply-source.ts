import { ConfigurationError } from "@scenario/spec";
import { syntheticSpeech } from "../realtime/synthetic-speech";

// How the fake voice servers turn their `reply` and `speech` options into functions. Internal:
// each fake declares its own option types. No import of @scenario/voice here: shared/ is part of
// the text fakes' entry too, which must never load it (tooling/workspace.test.ts), so each voice
// fake hands in its `fliteSpeech`.

/** The part of a `TextToSpeechProvider` (of `@scenario/voice`) the fakes use. */
export interface SpeechProviderLike {
  synthesize(text: string): Promise<{ data: Uint8Array }>;
}

/** What a fake voice agent says, in turn order, when a test gives no `reply`. */
export const CANNED_REPLIES: readonly string[] = [
  "Hello! How can I help you today?",
  "Sure, I can help with that. Could you tell me a little more?",
  "Thanks, that makes sense. Is there anything else you need?",
];

/** A reply policy, one transcript (or reply) for every turn, or a list used in turn order (cycling). */
export type ReplySource<Context, Reply> =
  | ((context: Context) => Reply | Promise<Reply>)
  | string
  | Reply
  | ReadonlyArray<string | Reply>;

/** Turns a `reply` option into a policy; refuses an empty list. */
export function replyPolicy<Context extends { turnIndex: number }, Reply extends object>(
  source: ReplySource<Context, Reply>,
): (context: Context) => Reply | Promise<Reply> {
  if (typeof source === "function") return source as (context: Context) => Reply | Promise<Reply>;
  if (typeof source === "string") return () => ({ transcript: source }) as unknown as Reply;
  if (!Array.isArray(source)) return () => source as Reply;
  const list = source as ReadonlyArray<string | Reply>;
  if (list.length === 0) {
    throw new ConfigurationError(
      "`reply` is an empty list. Give at least one transcript, or a policy function.",
    );
  }
  return ({ turnIndex }) => {
    const entry = list[turnIndex % list.length]!;
    return typeof entry === "string" ? ({ transcript: entry } as unknown as Reply) : entry;
  };
}

/** A `speech` option: a built-in voice, a TTS provider, or a function giving PCM16 24 kHz mono. */
export type SpeechOption =
  | "synthetic"
  | "flite"
  | SpeechProviderLike
  | ((transcript: string) => Uint8Array | Promise<Uint8Array>);

/**
 * Turns a `speech` option into a function giving PCM16 24 kHz mono; refuses an unknown one at once.
 * `fliteSpeech` is `@scenario/voice`'s, called only when a reply is first spoken with `"flite"`.
 */
export function speechSynthesizer(
  speech: SpeechOption,
  fliteSpeech: () => SpeechProviderLike,
): (transcript: string) => Promise<Uint8Array> {
  if (speech === "synthetic") return async (transcript) => syntheticSpeech(transcript);
  if (typeof speech === "function") return async (transcript) => speech(transcript);
  if (speech === "flite") {
    let flite: SpeechProviderLike | undefined;
    // Created on first use: compiling the WebAssembly costs time a test without replies should not pay.
    return async (transcript) => {
      flite ??= fliteSpeech();
      return (await flite.synthesize(transcript)).data;
    };
  }
  if (typeof speech === "object" && speech !== null && typeof speech.synthesize === "function") {
    return async (transcript) => (await speech.synthesize(transcript)).data;
  }
  throw new ConfigurationError(
    `Unknown \`speech\` option ${JSON.stringify(speech)}: use "synthetic", "flite", a TextToSpeechProvider or a function.`,
  );
}
