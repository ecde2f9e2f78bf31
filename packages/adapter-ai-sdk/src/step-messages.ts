import type { ModelMessage } from "@scenario/spec";

function sameMessages(a: readonly unknown[], b: readonly unknown[]): boolean {
  return a.length === b.length && JSON.stringify(a) === JSON.stringify(b);
}

/**
 * The messages of a streamed reply, handed out once each as its steps finish. AI SDK 6 gives a
 * finished step every message so far, AI SDK 7 may give the step's own: a list that starts with
 * the messages already seen is taken as cumulative, so neither major repeats a message.
 */
export class StepMessages {
  private readonly taken: unknown[] = [];
  private pending: unknown[] = [];

  /** Adds the messages a finished step reports. */
  add(messages: readonly unknown[]): void {
    const seen = [...this.taken, ...this.pending];
    const cumulative = seen.length > 0 && sameMessages(messages.slice(0, seen.length), seen);
    this.pending.push(...(cumulative ? messages.slice(seen.length) : messages));
  }

  /** The messages added since the last call, in order. */
  take(): ModelMessage[] {
    const messages = this.pending;
    this.pending = [];
    this.taken.push(...messages);
    return messages as ModelMessage[];
  }

  /**
   * The messages not yet taken, given the reply's whole message list (`responseMessages`): those
   * still pending, and those of the list beyond the messages seen (all of them for an agent object,
   * which reports no steps). When the list disagrees with what was seen, what was seen stays the reply.
   */
  rest(all: readonly unknown[]): ModelMessage[] {
    const seen = [...this.taken, ...this.pending];
    if (sameMessages(all.slice(0, seen.length), seen)) this.pending.push(...all.slice(seen.length));
    return this.take();
  }
}
