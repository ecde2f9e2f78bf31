import { existsSync, rmSync } from "node:fs";
import { dirname, relative } from "node:path";
import { REPORT_FILE_NAMES, type ReportFileLocation, reportFilePath } from "@scenario/events";
import type { ReporterSpec, SuiteSummary } from "@scenario/spec";
import type picocolors from "picocolors";
import type { CliIO } from "./cli-io";

type FileReporterName = keyof typeof REPORT_FILE_NAMES;

/** A report file a built-in file reporter of this run writes. */
export interface ReportOutput {
  /** The reporter: `jsonl`, `junit` or `html`. */
  reporter: FileReporterName;
  /** The file's absolute path. */
  path: string;
}

function isFileReporterName(name: string): name is FileReporterName {
  return Object.hasOwn(REPORT_FILE_NAMES, name);
}

/**
 * The files the built-in file reporters among `specs` (after `withReportDefaults`) write; `cwd` is
 * the folder `resolveReporters` was given, which a spec's own `cwd` overrides.
 */
export function reportOutputs(specs: readonly ReporterSpec[], cwd: string): ReportOutput[] {
  const outputs: ReportOutput[] = [];
  for (const spec of specs) {
    if (!Array.isArray(spec) || !isFileReporterName(spec[0])) continue;
    const reporter = spec[0];
    outputs.push({
      reporter,
      path: reportFilePath({ cwd, ...(spec[1] as ReportFileLocation) }, REPORT_FILE_NAMES[reporter]),
    });
  }
  return outputs;
}

/**
 * Removes the files that the built-in file reporters *not* used in this run left in `outputDir`
 * from an earlier run, so `scenario report` (and a CI upload of the folder) never shows an old
 * report as if it were this run's.
 */
export function removeStaleReports(outputDir: string, outputs: readonly ReportOutput[]): void {
  const written = new Set(outputs.map((output) => output.path));
  for (const name of Object.keys(REPORT_FILE_NAMES) as FileReporterName[]) {
    const path = reportFilePath({ outputDir, cwd: outputDir }, REPORT_FILE_NAMES[name]);
    if (!written.has(path) && existsSync(path)) rmSync(path, { force: true });
  }
}

/**
 * What every run ends with, whichever reporters it used: the summary line when the console reporter
 * did not print one, and the path of each report written.
 */
export function printRunEnd(
  summary: SuiteSummary,
  options: { outputs: readonly ReportOutput[]; consoleReporter: boolean },
  io: CliIO,
  colors: ReturnType<typeof picocolors.createColors>,
): void {
  if (!options.consoleReporter) {
    const { total, passed, failed, errored, cancelled } = summary.counts;
    io.stdout.write(
      `Scenarios  ${colors.green(`${passed} passed`)} · ${failed} failed · ${errored} errored · ${cancelled} cancelled (${total} total)\n`,
    );
  }
  for (const output of options.outputs) {
    if (!existsSync(output.path)) continue;
    if (output.reporter === "html") {
      const relativeDir = relative(io.cwd, dirname(output.path)) || ".";
      const servedDir = relativeDir.startsWith("..") ? dirname(output.path) : relativeDir;
      io.stdout.write(`HTML report: ${output.path}  (serve it: scenario report ${servedDir})\n`);
    } else {
      const label = output.reporter === "junit" ? "JUnit report" : "Events (JSONL)";
      io.stdout.write(`${label}: ${output.path}\n`);
    }
  }
}
