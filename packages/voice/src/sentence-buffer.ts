// Sentences, so a cascaded agent can speak its reply piece by piece. Intl.Segmenter knows the
// Unicode sentence rules (abbreviations aside), and "$45.00" or "v1.2" stay whole.
const segmenter = new Intl.Segmenter("en", { granularity: "sentence" });
const SENTENCE_END = /[.!?…]["'”’)\]]*\s+$/;

/**
 * Collects streamed text and hands out whole sentences as soon as they are complete: once text after
 * it has begun, or once its end mark is followed by a space.
 */
export class SentenceBuffer {
  private pending = "";

  /** Adds a piece of text; returns the sentences it completed, trimmed, in order. */
  push(text: string): string[] {
    this.pending += text;
    const sentences = [...segmenter.segment(this.pending)].map((part) => part.segment);
    // A sentence whose end mark is followed by a space is over even if the stream now pauses.
    const last = sentences.length === 0 || SENTENCE_END.test(sentences.at(-1)!) ? "" : sentences.pop()!;
    this.pending = last;
    return sentences.map((sentence) => sentence.trim()).filter((sentence) => sentence !== "");
  }

  /** The text still held (the last sentence), trimmed; empties the buffer. */
  flush(): string[] {
    const rest = this.pending.trim();
    this.pending = "";
    return rest === "" ? [] : [...segmenter.segment(rest)].map((part) => part.segment.trim()).filter(Boolean);
  }
}
