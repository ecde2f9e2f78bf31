import { normalizeWords } from "./pocketsphinx-transcription";

/**
 * The word error rate of a transcript against the reference text: (substitutions + deletions +
 * insertions) / reference words, after lower-casing and dropping punctuation. 0 is a perfect
 * transcript; it can exceed 1 when the transcript adds many words. For asserting on what a speech
 * recogniser heard.
 */
export function wordErrorRate(reference: string, hypothesis: string): number {
  const expected = normalizeWords(reference);
  const heard = normalizeWords(hypothesis);
  if (expected.length === 0) return heard.length === 0 ? 0 : 1;
  // One row of the Levenshtein table at a time.
  let previous = Array.from({ length: heard.length + 1 }, (_, index) => index);
  for (let row = 1; row <= expected.length; row++) {
    const current = [row];
    for (let column = 1; column <= heard.length; column++) {
      const substitution = (previous[column - 1] ?? 0) + (expected[row - 1] === heard[column - 1] ? 0 : 1);
      current[column] = Math.min(substitution, (previous[column] ?? 0) + 1, (current[column - 1] ?? 0) + 1);
    }
    previous = current;
  }
  return (previous[heard.length] ?? 0) / expected.length;
}
