import { resolve } from "node:path";
import type { ScenarioReporter } from "@scenario/spec";
import { fileReportReporter } from "./file-report-reporter";
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
  return fileReportReporter({
    name: "html",
    path: resolve(cwd, options.path ?? `${options.outputDir ?? DEFAULT_OUTPUT_DIR}/index.html`),
    render: (runs) => renderHtmlReport(runs, { title: options.title }),
  });
}
