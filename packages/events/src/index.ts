export { collectRuns, type ReportRun } from "./collect-runs";
export { type ConsoleReporterOptions, consoleReporter } from "./console-reporter";
export { createEventBus, type EventBus, type EventBusOptions } from "./event-bus";
export {
  messageSnapshotEventSchema,
  runFinishedEventSchema,
  runStartedEventSchema,
  type ScenarioEventValidation,
  scenarioEventSchema,
  snapshotMessageSchema,
  snapshotToolCallSchema,
  validateScenarioEvent,
} from "./event-schemas";
export { type HtmlReporterOptions, htmlReporter } from "./html-reporter";
export { DEFAULT_LANGWATCH_ENDPOINT, type HttpReporterOptions, httpReporter } from "./http-reporter";
export { type JsonlReporterOptions, jsonlReporter, type SuiteSummaryLine } from "./jsonl-reporter";
export {
  type JunitReporterOptions,
  junitReporter,
  type RenderJunitReportOptions,
  renderJunitReport,
} from "./junit-reporter";
export type { OutputStream } from "./output-stream";
export { type EventsJsonlContent, readEventsJsonl } from "./read-events-jsonl";
export { type RenderHtmlReportOptions, renderHtmlReport } from "./render-html-report";
export {
  DEFAULT_OUTPUT_DIR,
  REPORT_FILE_NAMES,
  type ReportFileLocation,
  reportFilePath,
} from "./report-file-path";
export {
  BUILT_IN_REPORTERS,
  type BuiltInReporterName,
  isScenarioReporter,
  type ResolveReportersOptions,
  resolveReporters,
} from "./resolve-reporters";
export { scenarioEventId } from "./scenario-event-id";
export {
  formatCost,
  formatUsd,
  type RoleCost,
  runCostUsd,
  type SuiteCost,
  sumSuiteCost,
} from "./sum-suite-cost";
export { type SummarizeRunsOptions, summarizeRuns } from "./summarize-runs";
