// Word runs and single punctuation marks: deterministic, dependency-free, and close enough to a
// real tokenizer's counts for tests that only need stable, plausible numbers.
const TOKEN_PATTERN = /[\p{L}\p{N}_]+|[^\s\p{L}\p{N}_]/gu;

/**
 * Counts the tokens of a text the way the fake server does: each run of letters, digits and `_`
 * is one token, and so is each other non-space character. `"Hello, world!"` is 4 tokens.
 */
export function estimateTokens(text: string): number {
  return text.match(TOKEN_PATTERN)?.length ?? 0;
}
