// Pipecat bots report the agent's words in several ways at once: RTVI `bot-tts-text` (words as they
// are spoken), `bot-output` (spoken text), the older `bot-transcription`, TextFrames, and
// `bot-llm-text` (what the LLM wrote, which runs ahead of the speech and includes words a barge-in
// cut). This picks one per reply, preferring what was spoken.

/** Where a piece of the agent's words came from, best first. */
export const AGENT_TEXT_SOURCES = ["tts", "output", "transcription", "frame", "llm"] as const;

/** A source of the agent's words. */
export type AgentTextSource = (typeof AGENT_TEXT_SOURCES)[number];

/** LLM tokens carry their own spacing; the other sources come as words or sentences. */
function join(previous: string, piece: string, source: AgentTextSource): string {
  if (source === "llm" || previous === "" || /\s$/.test(previous) || /^[\s,.!?;:]/.test(piece)) {
    return piece;
  }
  return ` ${piece}`;
}

/** The agent's words of the reply in flight, by source. */
export class AgentTranscript {
  private readonly texts = new Map<AgentTextSource, string>();
  /** The best streaming source seen on this connection: only its pieces go out as deltas. */
  private streamingRank = Number.POSITIVE_INFINITY;
  /** What went out as deltas in this reply. */
  private streamed = "";

  /**
   * Adds a piece from `source`. Returns the delta to stream (with the space that joins it), or
   * undefined when this source is not the one being streamed. When a better source takes over
   * mid-reply, only what it says beyond the words already streamed goes out: the sources carry
   * the same words, so switching must not repeat them.
   */
  add(source: AgentTextSource, piece: string): string | undefined {
    if (piece === "") return undefined;
    const previous = this.texts.get(source) ?? "";
    const delta = join(previous, piece, source);
    this.texts.set(source, previous + delta);
    // The LLM's text never streams: it is not what the caller heard.
    if (source === "llm") return undefined;
    const rank = AGENT_TEXT_SOURCES.indexOf(source);
    if (rank > this.streamingRank) return undefined;
    this.streamingRank = rank;
    const text = (previous + delta).trimStart();
    if (text.length <= this.streamed.length) return undefined;
    const streamedDelta = text.slice(this.streamed.length);
    this.streamed = text;
    return streamedDelta;
  }

  /** The reply's whole transcript from its best source, or undefined when it had no words. */
  final(): string | undefined {
    for (const source of AGENT_TEXT_SOURCES) {
      const text = this.texts.get(source)?.trim();
      if (text) return text;
    }
    return undefined;
  }

  /** Forgets the reply's words (the next reply starts empty); keeps which source streams. */
  reset(): void {
    this.texts.clear();
    this.streamed = "";
  }
}
