import { mkdirSync, renameSync, writeFileSync } from "node:fs";
import { dirname, resolve } from "node:path";
import type { ScenarioEvent, ScenarioReporter } from "@scenario/spec";
import { RunCollector } from "./collect-runs";
import { DEFAULT_OUTPUT_DIR } from "./jsonl-reporter";
import { renderHtmlReport } from "./render-html-report";

/** Options of `htmlReporter()`. */
export interface HtmlReporterOptions {
  /** The folder of the report, relative to `cwd`. @default "scenario-reports" */
  outputDir?: string;
  /** The file, relative to `cwd`. @default "<outputDir>/index.html" */
  path?: string;
  /** The folder relative paths start from. @default process.cwd() */
  cwd?: string;
  /** The page title. @default "Scenario report" */
  title?: string;
}

/**
 * The HTML reporter: one self-contained static page (no network) listing the runs with filters by
 * status and set; each run opens to its conversation, criteria with verdicts and reasoning,
 * timings and usage. Written at the end of the suite and on flush.
 */
export function htmlReporter(options: HtmlReporterOptions = {}): ScenarioReporter {
  const cwd = options.cwd ?? process.cwd();
  const path = resolve(cwd, options.path ?? `${options.outputDir ?? DEFAULT_OUTPUT_DIR}/index.html`);
  const collector = new RunCollector();
  let written = true;

  const writeReport = () => {
    if (written || collector.size === 0) return;
    mkdirSync(dirname(path), { recursive: true });
    const temporaryPath = `${path}.${process.pid}.tmp`;
    writeFileSync(temporaryPath, renderHtmlReport(collector.list(), { title: options.title }));
    renameSync(temporaryPath, path);
    written = true;
  };

  return {
    name: "html",
    onEvent(event: ScenarioEvent) {
      collector.add(event);
      written = false;
    },
    onSuiteEnd() {
      writeReport();
    },
    async flush() {
      writeReport();
    },
  };
}
