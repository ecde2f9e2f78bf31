import { createInterface, type Interface } from "node:readline";
import type { TextOutput } from "./verbose-printer";

/** What debug mode asks before the user simulator speaks. */
export interface DebugQuestion {
  /** The scenario's name. */
  scenarioName: string;
  /** The turn the user would speak in. */
  turn: number;
  /** The question in plain words, without the `[debug]` tag; a prompt lays it out and styles it. */
  text: string;
}

/**
 * Asks the person at the terminal for the user's next line in debug mode (`debug: true`): an empty
 * line lets the user simulator speak, typed text replaces it. Core's default reads stdin through
 * readline (`createDebugPrompt()`); `@scenario/kit` passes one with a coloured question. Give your
 * own through `ScenarioExecutionOptions.debugPrompt`.
 */
export interface DebugPrompt {
  /**
   * Asks `question` and resolves with the line typed, or undefined when there is no more input or
   * `signal` aborted (the simulator then speaks).
   */
  ask(question: DebugQuestion, signal?: AbortSignal): Promise<string | undefined>;
  /**
   * Releases the input when the run ends, so an idle process can exit. The prompt may still be
   * asked again afterwards (by a later run); it then opens the input anew.
   */
  close?(): void;
}

/** Where the default debug prompt reads and writes, and how it words its question. */
export interface DebugPromptOptions {
  /** Where the typed lines come from. @default process.stdin */
  input?: NodeJS.ReadableStream;
  /** Where the question is written. @default process.stdout */
  output?: TextOutput;
  /** Lays out the question. @default `[debug] ${question.text}`, no colours */
  formatQuestion?: (question: DebugQuestion) => string;
}

/**
 * The default debug prompt: writes the question to `output` and reads one line from `input`. The
 * readline interface is created on first use and released by `close()`.
 */
export function createDebugPrompt(options: DebugPromptOptions = {}): DebugPrompt {
  return new ReadlineDebugPrompt(
    options.input ?? process.stdin,
    options.output ?? process.stdout,
    options.formatQuestion ?? ((question) => `[debug] ${question.text}`),
  );
}

/** The plain words of debug mode's question. */
export function debugQuestionText(scenarioName: string, turn: number): string {
  return `${scenarioName}, turn ${turn}: press Enter to let the user simulator speak, or type the user's message: `;
}

class ReadlineDebugPrompt implements DebugPrompt {
  private lines: string[] = [];
  private waiting: ((line: string | undefined) => void) | undefined;
  private readline: Interface | undefined;
  private inputEnded = false;

  constructor(
    private readonly input: NodeJS.ReadableStream,
    private readonly output: TextOutput,
    private readonly formatQuestion: (question: DebugQuestion) => string,
  ) {}

  ask(question: DebugQuestion, signal?: AbortSignal): Promise<string | undefined> {
    this.output.write(this.formatQuestion(question));
    if (this.lines.length > 0) return Promise.resolve(this.lines.shift());
    if (this.inputEnded || signal?.aborted) return Promise.resolve(undefined);
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

  close(): void {
    const readline = this.readline;
    if (!readline) return;
    this.readline = undefined;
    readline.close();
  }

  private open(): void {
    if (this.readline) return;
    const readline = createInterface({ input: this.input, terminal: false });
    readline.on("line", (line) => {
      if (this.waiting) this.waiting(line);
      else this.lines.push(line);
    });
    readline.on("close", () => {
      // Closed by close() (the run ended) rather than by the input ending: a later ask() reopens it.
      if (this.readline !== readline) return;
      this.inputEnded = true;
      this.readline = undefined;
      this.waiting?.(undefined);
    });
    this.readline = readline;
  }
}
