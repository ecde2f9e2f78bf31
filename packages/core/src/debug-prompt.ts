import { createInterface, type Interface } from "node:readline";
import type { TextOutput } from "./verbose-printer";

/**
 * Asks the person at the terminal for the user's next line, one prompt at a time. The readline
 * interface is created on first use and closed by `close()`, so an idle run holds no handle on
 * stdin and the process can exit.
 */
export class DebugPrompt {
  private lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private readline: Interface | undefined;
  private ended = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: TextOutput,
  ) {}

  /**
   * Writes `question` and resolves with the next line typed, or `undefined` when the input ended
   * or `signal` aborted.
   */
  ask(question: string, signal?: AbortSignal): Promise<string | undefined> {
    this.output.write(question);
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.ended || signal?.aborted) return Promise.resolve(undefined);
    this.open();
    return new Promise((resolve) => {
      const onAbort = () => finish(undefined);
      const finish = (line: string | undefined) => {
        signal?.removeEventListener("abort", onAbort);
        this.waiting = undefined;
        resolve(line);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting = finish;
    });
  }

  /** Releases the input. */
  close(): void {
    this.readline?.close();
    this.readline = undefined;
  }

  private open(): void {
    if (this.readline) return;
    const readline = createInterface({ input: this.input, terminal: false });
    readline.on("line", (line) => {
      if (this.waiting) this.waiting(line);
      else this.lines.push(line);
    });
    readline.on("close", () => {
      this.ended = true;
      this.waiting?.(undefined);
    });
    this.readline = readline;
  }
}
