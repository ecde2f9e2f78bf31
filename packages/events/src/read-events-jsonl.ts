import { readFile } from "node:fs/promises";
import { ConfigurationError, type ScenarioEvent } from "@scenario/spec";
import { validateScenarioEvent } from "./event-schemas";
import type { SuiteSummaryLine } from "./jsonl-reporter";

/** What `readEventsJsonl()` found in a file. */
export interface EventsJsonlContent {
  /** The valid events, in file order. */
  events: ScenarioEvent[];
  /** The `SUITE_SUMMARY` lines, in file order. */
  summaries: SuiteSummaryLine[];
  /**
   * Lines that were skipped, with why (1-based line numbers). A torn last line, left by a process
   * that died mid-write, is one of them.
   */
  problems: Array<{ line: number; reason: string }>;
}

/**
 * Reads an events file written by the JSONL reporter (for merging reports of several shards).
 * Skips what it cannot use and says so in `problems`, instead of failing the whole file.
 */
export async function readEventsJsonl(path: string): Promise<EventsJsonlContent> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (error) {
    throw new ConfigurationError(
      `Cannot read the events file ${path}: ${(error as Error).message}. ` +
        "Pass the events.jsonl written by the jsonl reporter (in scenario-reports/ by default).",
      { cause: error },
    );
  }
  const content: EventsJsonlContent = { events: [], summaries: [], problems: [] };
  const lines = text.split("\n");
  const endsWithNewline = text.endsWith("\n");
  lines.forEach((line, index) => {
    if (line.trim() === "") return;
    const isLastLine = index === lines.length - 1;
    let record: unknown;
    try {
      record = JSON.parse(line);
    } catch {
      content.problems.push({
        line: index + 1,
        reason:
          isLastLine && !endsWithNewline
            ? "incomplete last line (the writer stopped mid-line); ignored"
            : "not valid JSON; ignored",
      });
      return;
    }
    if (
      typeof record === "object" &&
      record !== null &&
      (record as { type?: unknown }).type === "SUITE_SUMMARY"
    ) {
      content.summaries.push(record as SuiteSummaryLine);
      return;
    }
    const validation = validateScenarioEvent(record);
    if (validation.success) content.events.push(validation.event);
    else
      content.problems.push({ line: index + 1, reason: `not a valid event (${validation.error}); ignored` });
  });
  return content;
}
