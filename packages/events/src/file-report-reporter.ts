import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname } from "node:path";
import type { ScenarioEvent, ScenarioReporter, SuiteSummary } from "@scenario/spec";
import { type ReportRun, RunCollector } from "./collect-runs";

/** What a whole-file report needs: its reporter name, where it goes and how the runs render. */
export interface FileReportOptions {
  /** The reporter's name. */
  name: string;
  /** The absolute path of the file. */
  path: string;
  /** Renders every run collected so far. */
  render(runs: readonly ReportRun[]): string;
}

/**
 * A reporter that collects the runs and rewrites one file from them at the end of the suite and on
 * flush (the HTML and JUnit reports), with the summary's not-started runs as skipped ones. It
 * writes then renames, so a CI step or a browser never reads half a file, and skips the write when
 * nothing changed since the last one.
 */
export function fileReportReporter(options: FileReportOptions): ScenarioReporter {
  const collector = new RunCollector();
  let written = true;

  const writeReport = () => {
    if (written || collector.size === 0) return;
    mkdirSync(dirname(options.path), { recursive: true });
    const temporaryPath = `${options.path}.${process.pid}.tmp`;
    writeFileSync(temporaryPath, options.render(collector.list()));
    renameSync(temporaryPath, options.path);
    written = true;
  };

  return {
    name: options.name,
    onEvent(event: ScenarioEvent) {
      collector.add(event);
      written = false;
    },
    onSuiteEnd(summary: SuiteSummary) {
      // Runs selected but never started have no events; the summary is where they are known.
      if (summary.notStarted !== undefined && summary.notStarted.length > 0) {
        collector.addNotStarted(summary.batchRunId, summary.notStarted);
        written = false;
      }
      writeReport();
    },
    async flush() {
      writeReport();
    },
  };
}
