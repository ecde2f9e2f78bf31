import { closeSync, mkdirSync, openSync, writeSync } from "node:fs";
import { dirname } from "node:path";
import type { ScenarioEvent, ScenarioReporter, SuiteSummary } from "@scenario/spec";
import { REPORT_FILE_NAMES, reportFilePath } from "./report-file-path";

/** Options of `jsonlReporter()`. */
export interface JsonlReporterOptions {
  /** The folder of the report, relative to `cwd`. @default "scenario-reports" */
  outputDir?: string;
  /** The file, relative to `cwd`. @default "<outputDir>/events.jsonl" */
  path?: string;
  /** The folder relative paths start from. @default process.cwd() */
  cwd?: string;
  /**
   * Append to an existing file instead of starting it anew at the first event (for several
   * processes writing one file).
   * @default false
   */
  append?: boolean;
}

/** The last line of an events file: the suite summary without the runs (they are in the file). */
export type SuiteSummaryLine = { type: "SUITE_SUMMARY" } & Omit<SuiteSummary, "runs">;

/**
 * The JSONL reporter: every event as one JSON line, written synchronously as it happens so a crash
 * loses nothing already emitted, and a `SUITE_SUMMARY` line at the end of the suite. Read it back
 * with `readEventsJsonl()`.
 */
export function jsonlReporter(options: JsonlReporterOptions = {}): ScenarioReporter {
  const path = reportFilePath(options, REPORT_FILE_NAMES.jsonl);
  let startedFile = false;
  let descriptor: number | undefined;

  const writeRecord = (record: unknown) => {
    if (descriptor === undefined) {
      mkdirSync(dirname(path), { recursive: true });
      descriptor = openSync(path, startedFile || options.append ? "a" : "w");
      startedFile = true;
    }
    // One write per line: a line is either wholly in the file or, after a crash mid-write, torn
    // at the end, which the reader tolerates.
    writeSync(descriptor, `${JSON.stringify(record)}\n`);
  };

  return {
    name: "jsonl",
    onEvent(event: ScenarioEvent) {
      writeRecord(event);
    },
    onSuiteEnd(summary: SuiteSummary) {
      const { runs: _runs, ...rest } = summary;
      const line: SuiteSummaryLine = { type: "SUITE_SUMMARY", ...rest };
      writeRecord(line);
    },
    async flush() {
      if (descriptor !== undefined) {
        closeSync(descriptor);
        descriptor = undefined;
      }
    },
  };
}
