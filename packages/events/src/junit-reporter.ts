import type { ScenarioReporter } from "@scenario/spec";
import { criteriaOf, formatTranscript, type ReportRun } from "./collect-runs";
import { fileReportReporter } from "./file-report-reporter";
import { junitUsageProperties } from "./junit-usage-properties";
import { REPORT_FILE_NAMES, reportFilePath } from "./report-file-path";

/** Options of `junitReporter()`. */
export interface JunitReporterOptions {
  /** The folder of the report, relative to `cwd`. @default "scenario-reports" */
  outputDir?: string;
  /** The file, relative to `cwd`. @default "<outputDir>/junit.xml" */
  path?: string;
  /** The folder relative paths start from. @default process.cwd() */
  cwd?: string;
  /** The name of the root `<testsuites>` element. @default "scenario" */
  suiteName?: string;
}

/** Options of `renderJunitReport()`. */
export interface RenderJunitReportOptions {
  /** The name of the root `<testsuites>` element. @default "scenario" */
  suiteName?: string;
}

/**
 * The JUnit reporter: a JUnit XML file that CI systems read. One `<testsuite>` per scenario set,
 * one `<testcase>` per run; failures carry the reasoning and unmet criteria, errors an `<error>`,
 * cancelled and not-started runs `<skipped>`, and the conversation goes to `<system-out>`. A suite's
 * `time` is its wall time (first start to last finish), not the sum of its runs, which overlap.
 * Rewritten at the end of the suite and on flush.
 */
export function junitReporter(options: JunitReporterOptions = {}): ScenarioReporter {
  return fileReportReporter({
    name: "junit",
    path: reportFilePath(options, REPORT_FILE_NAMES.junit),
    render: (runs) => renderJunitReport(runs, { suiteName: options.suiteName }),
  });
}

/** Renders runs as a JUnit XML document. */
export function renderJunitReport(
  runs: readonly ReportRun[],
  options: RenderJunitReportOptions = {},
): string {
  const bySet = new Map<string, ReportRun[]>();
  for (const run of runs) {
    const list = bySet.get(run.scenarioSetId) ?? [];
    list.push(run);
    bySet.set(run.scenarioSetId, list);
  }

  const totals = tally(runs);
  const earliestStart = runs.reduce<number | undefined>(
    (earliest, run) =>
      run.startedAt === undefined ? earliest : Math.min(earliest ?? run.startedAt, run.startedAt),
    undefined,
  );
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites${attributes({
      name: options.suiteName ?? "scenario",
      tests: totals.tests,
      failures: totals.failures,
      errors: totals.errors,
      skipped: totals.skipped,
      time: seconds(wallTimeMs(runs)),
      timestamp: earliestStart === undefined ? undefined : new Date(earliestStart).toISOString(),
    })}>`,
  ];
  for (const [setId, setRuns] of bySet) {
    const setTotals = tally(setRuns);
    lines.push(
      `  <testsuite${attributes({
        name: setId,
        tests: setTotals.tests,
        failures: setTotals.failures,
        errors: setTotals.errors,
        skipped: setTotals.skipped,
        time: seconds(wallTimeMs(setRuns)),
      })}>`,
    );
    for (const run of setRuns) lines.push(...testcase(run));
    lines.push("  </testsuite>");
  }
  lines.push("</testsuites>", "");
  return lines.join("\n");
}

function testcase(run: ReportRun): string[] {
  const open = `    <testcase${attributes({
    name: run.name,
    classname: `${run.scenarioSetId}.${run.scenarioId}`,
    time: seconds(run.totalTimeMs ?? 0),
  })}>`;
  const lines = [open];
  const properties = junitUsageProperties(run.usage);
  if (properties.length > 0) {
    lines.push("      <properties>");
    for (const [name, value] of properties) lines.push(`        <property${attributes({ name, value })}/>`);
    lines.push("      </properties>");
  }
  const results = run.results;
  const reasoning = results?.reasoning ?? "";
  switch (run.status) {
    case "FAILED": {
      const unmet = criteriaOf(results).filter((criterion) => criterion.verdict !== "met");
      const body = [reasoning, ...(unmet.length > 0 ? ["", "Unmet criteria:"] : [])];
      for (const criterion of unmet) {
        body.push(`- ${criterion.criterion}${criterion.reasoning ? `: ${criterion.reasoning}` : ""}`);
      }
      const message =
        unmet.length > 0
          ? `${reasoning || "Criteria not met"} (unmet: ${unmet.map((c) => c.criterion).join("; ")})`
          : reasoning || "Failed";
      lines.push(
        `      <failure${attributes({ message, type: "FAILED" })}>${escapeText(body.join("\n"))}</failure>`,
      );
      break;
    }
    case "ERROR": {
      const message = results?.error ?? (reasoning || "The run ended with an error");
      const body = [message, reasoning && reasoning !== message ? reasoning : ""].filter(Boolean).join("\n");
      lines.push(`      <error${attributes({ message, type: "ERROR" })}>${escapeText(body)}</error>`);
      break;
    }
    case "CANCELLED":
      lines.push(
        `      <skipped${attributes({ message: reasoning ? `Cancelled: ${reasoning}` : "Cancelled" })}/>`,
      );
      break;
    case "SKIPPED":
      lines.push(
        `      <skipped${attributes({ message: `Not started: ${reasoning || "the suite stopped first"}` })}/>`,
      );
      break;
    case "INCOMPLETE":
      lines.push(
        `      <error${attributes({ message: "The run did not finish (no finished event was recorded)", type: "INCOMPLETE" })}/>`,
      );
      break;
    case "SUCCESS":
      break;
  }
  const out = [`Run: ${run.scenarioRunId}`, `Scenario: ${run.scenarioId}`];
  if (run.description) out.push(`Description: ${run.description}`);
  const transcript = formatTranscript(run.messages);
  if (transcript.length > 0) out.push("", ...transcript);
  lines.push(`      <system-out>${escapeText(out.join("\n"))}</system-out>`);
  lines.push("    </testcase>");
  return lines;
}

function tally(runs: readonly ReportRun[]) {
  const totals = { tests: runs.length, failures: 0, errors: 0, skipped: 0 };
  for (const run of runs) {
    if (run.status === "FAILED") totals.failures += 1;
    else if (run.status === "ERROR" || run.status === "INCOMPLETE") totals.errors += 1;
    else if (run.status === "CANCELLED" || run.status === "SKIPPED") totals.skipped += 1;
  }
  return totals;
}

// Concurrent runs overlap, so their sum overstates the time a suite took: CI dashboards want the
// span from the first start to the last finish. Runs without timestamps fall back to their duration.
function wallTimeMs(runs: readonly ReportRun[]): number {
  let firstStart = Number.POSITIVE_INFINITY;
  let lastEnd = Number.NEGATIVE_INFINITY;
  for (const run of runs) {
    if (run.status === "SKIPPED") continue;
    const start =
      run.startedAt ?? (run.finishedAt !== undefined ? run.finishedAt - (run.totalTimeMs ?? 0) : undefined);
    const end = run.finishedAt ?? (start !== undefined ? start + (run.totalTimeMs ?? 0) : undefined);
    if (start === undefined || end === undefined) continue;
    firstStart = Math.min(firstStart, start);
    lastEnd = Math.max(lastEnd, end);
  }
  return lastEnd >= firstStart ? lastEnd - firstStart : 0;
}

function seconds(milliseconds: number): string {
  return (milliseconds / 1000).toFixed(3);
}

function attributes(values: Record<string, string | number | undefined>): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([key, value]) => ` ${key}="${escapeAttribute(String(value))}"`)
    .join("");
}

// XML 1.0 forbids most control characters and unpaired surrogates even as references; they are
// written as visible `\uXXXX` text so the file stays well-formed and nothing is silently lost.
const INVALID_XML_CHARACTERS =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function replaceInvalidCharacters(text: string): string {
  return text.replace(INVALID_XML_CHARACTERS, (character) => {
    return `\\u${character.charCodeAt(0).toString(16).padStart(4, "0")}`;
  });
}

function escapeText(text: string): string {
  return replaceInvalidCharacters(text)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/\r/g, "&#13;");
}

function escapeAttribute(text: string): string {
  return escapeText(text)
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&apos;")
    .replace(/\n/g, "&#10;")
    .replace(/\t/g, "&#9;");
}
