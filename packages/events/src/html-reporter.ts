import type { ScenarioReporter } from "@scenario/spec";
import { fileReportReporter } from "./file-report-reporter";
import { renderHtmlReport } from "./render-html-report";
import { REPORT_FILE_NAMES, reportFilePath } from "./report-file-path";

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
  return fileReportReporter({
    name: "html",
    path: reportFilePath(options, REPORT_FILE_NAMES.html),
    render: (runs) => renderHtmlReport(runs, { title: options.title }),
  });
}
