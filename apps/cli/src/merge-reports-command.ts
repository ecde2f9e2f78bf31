import { existsSync, statSync } from "node:fs";
import { relative, resolve } from "node:path";
import { createEventBus, REPORT_FILE_NAMES, readEventsJsonl, resolveReporters } from "@scenario/events";
import { ConfigurationError, type NotStartedRun, type ScenarioEvent } from "@scenario/spec";
import { glob } from "tinyglobby";
import type { CliIO } from "./cli-io";
import { DEFAULT_REPORTERS, htmlReportPath, withReportDefaults } from "./report-paths";

/** The flags of `scenario merge-reports`. */
export interface MergeReportsOptions {
  /** Report folders or events files. */
  inputs: string[];
  /** Where the merged reports go. */
  outputDir: string;
  /** Reporters of the merged events. */
  reporters?: string[];
}

async function eventsFilesOf(input: string, cwd: string): Promise<string[]> {
  const path = resolve(cwd, input);
  if (!existsSync(path)) throw new ConfigurationError(`merge-reports: ${input} does not exist.`);
  if (statSync(path).isFile()) return [path];
  const direct = resolve(path, REPORT_FILE_NAMES.jsonl);
  if (existsSync(direct)) return [direct];
  const nested = await glob([`**/${REPORT_FILE_NAMES.jsonl}`], {
    cwd: path,
    absolute: true,
    ignore: ["**/node_modules/**"],
  });
  if (nested.length === 0) {
    throw new ConfigurationError(
      `merge-reports: no ${REPORT_FILE_NAMES.jsonl} in ${input}. Pass the report folders written by \`scenario run\` with the jsonl reporter (on by default).`,
    );
  }
  return nested.sort();
}

/**
 * `scenario merge-reports`: reads the events of several runs (the shards of one CI job), and
 * replays them, in time order, through reporters writing into one folder, as if one process had
 * run them all. Returns 0 when every run passed, 1 otherwise.
 */
export async function mergeReportsCommand(options: MergeReportsOptions, io: CliIO): Promise<number> {
  const outputDir = resolve(io.cwd, options.outputDir);
  const files = [
    ...new Set((await Promise.all(options.inputs.map((input) => eventsFilesOf(input, io.cwd)))).flat()),
  ];
  const events: ScenarioEvent[] = [];
  // Runs a shard selected but never started (it was interrupted) are only in its summary line.
  const notStarted: NotStartedRun[] = [];
  for (const file of files) {
    const content = await readEventsJsonl(file);
    for (const problem of content.problems) {
      io.stderr.write(
        `merge-reports: skipped ${relative(io.cwd, file)} line ${problem.line}: ${problem.reason}\n`,
      );
    }
    events.push(...content.events);
    for (const summary of content.summaries) notStarted.push(...(summary.notStarted ?? []));
  }
  if (events.length === 0) {
    throw new ConfigurationError(`merge-reports: the events files hold no events (${files.join(", ")}).`);
  }
  // A stable sort keeps each file's own order for events with equal timestamps.
  events.sort((left, right) => left.timestamp - right.timestamp);

  const specs = withReportDefaults(
    options.reporters && options.reporters.length > 0 ? options.reporters : DEFAULT_REPORTERS,
    { outputDir, env: io.env },
  );
  const reporters = await resolveReporters(specs, { cwd: io.cwd });
  const bus = createEventBus({ reporters, stderr: io.stderr });
  const batchRunId = events[0]?.batchRunId ?? "merged";
  await bus.startSuite({
    batchRunId,
    plannedRuns: events.filter((event) => event.type === "SCENARIO_RUN_FINISHED").length,
  });
  for (const event of events) bus.publish(event);
  const summary = await bus.endSuite(undefined, { notStarted });
  await bus.close();

  io.stdout.write(
    `Merged ${summary.counts.total} runs from ${files.length} events file${files.length === 1 ? "" : "s"} into ${relative(io.cwd, outputDir) || "."}\n`,
  );
  const html = htmlReportPath(specs, io.cwd);
  if (html && existsSync(html)) io.stdout.write(`HTML report: ${html}\n`);
  return summary.counts.total === summary.counts.passed ? 0 : 1;
}
