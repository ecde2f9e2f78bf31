import { relative, resolve, sep } from "node:path";
import { fileURLToPath } from "node:url";
import {
  createEventBus,
  DEFAULT_OUTPUT_DIR,
  type OutputStream,
  REPORT_FILE_NAMES,
  reportFilePath,
  resolveReporters,
} from "@scenario/events";
import type { LangWatchSettings } from "@scenario/kit";
import {
  DEFAULT_SCENARIO_SET_ID,
  type ReporterSpec,
  type ScenarioEvent,
  ScenarioEventType,
  type SuiteSummary,
} from "@scenario/spec";
import type { Reporter, TestModule, Vitest } from "vitest/node";
import { loadScenarioConfig, SCENARIO_CONFIG_ENV } from "./load-scenario-config";
import { scenarioRunsOf } from "./run-registry";

/** Options of the reporter; `scenarioVitest()` fills them in. */
export interface ScenarioVitestReporterOptions {
  /** The project's `scenario.config.*`. @default $SCENARIO_VITEST_CONFIG, else the one in vitest's root */
  configFile?: string;
  /** Replaces the config's `reporters`. @default the config's, else ["console", "jsonl", "junit", "html"] */
  reporters?: ReporterSpec[];
  /** Where the file reports go, relative to the config's folder. @default the config's outputDir, else "scenario-reports" */
  outputDir?: string;
  /** The batch id every run of this vitest invocation is reported under. @default the first run's */
  batchRunId?: string;
  /** Where the reporter's own lines (the HTML report's path) go. @default process.stdout */
  stdout?: OutputStream;
}

/** What one test contributed: its file, its name and its runs' events. */
interface CapturedTest {
  file: string;
  test: string;
  runs: ScenarioEvent[][];
}

const DEFAULT_REPORTERS: ReporterSpec[] = ["console", "jsonl", "junit", "html"];
const FILE_REPORTERS = new Set(Object.keys(REPORT_FILE_NAMES));

/**
 * A vitest reporter that writes Scenario's reports for the scenarios run inside vitest: console
 * verdicts with criteria, `events.jsonl`, `junit.xml` and `index.html`, as `scenario run` writes
 * them. It runs in vitest's main process and reads each test's runs from the test's `meta` (where
 * `scenarioTest` puts them in the worker), so the reports are written once, at the end, grouped
 * by test file, each run carrying the name of the test that ran it.
 */
export class ScenarioVitestReporter implements Reporter {
  private vitest: Vitest | undefined;
  private readonly options: ScenarioVitestReporterOptions;

  /** Creates the reporter; see `ScenarioVitestReporterOptions`. */
  constructor(options: ScenarioVitestReporterOptions = {}) {
    this.options = options;
  }

  /** Keeps vitest's instance: its root and its module loader (TypeScript configs need it). */
  onInit(vitest: Vitest): void {
    this.vitest = vitest;
  }

  /** Writes the reports of every scenario run of this test run. */
  async onTestRunEnd(testModules: ReadonlyArray<TestModule>): Promise<void> {
    const root = this.vitest?.config.root ?? process.cwd();
    const captured = capturedTests(testModules, root);
    if (captured.length === 0) return;
    await writeScenarioReports(captured, root, this.options, (path) => this.importModule(path));
  }

  private importModule(path: string): Promise<unknown> {
    // Through vite, so a scenario.config.ts or a .ts reporter module loads without a TS loader.
    // Should an older vitest lack vitest.import(), plain import() still serves .js configs.
    return typeof this.vitest?.import === "function" ? this.vitest.import(path) : import(path);
  }
}

function capturedTests(testModules: ReadonlyArray<TestModule>, root: string): CapturedTest[] {
  const captured: CapturedTest[] = [];
  // Sorted by file, tests in declaration order: the reports group runs by test file.
  const modules = [...testModules].sort((a, b) => a.moduleId.localeCompare(b.moduleId));
  for (const testModule of modules) {
    const file = relative(root, testModule.moduleId).split(sep).join("/");
    for (const testCase of testModule.children.allTests()) {
      const runs = scenarioRunsOf(testCase.meta());
      if (runs.length > 0) captured.push({ file, test: testCase.fullName, runs });
    }
  }
  return captured;
}

async function writeScenarioReports(
  captured: readonly CapturedTest[],
  root: string,
  options: ScenarioVitestReporterOptions,
  importModule: (path: string) => Promise<unknown>,
): Promise<SuiteSummary> {
  const { config, rootDir } = await loadScenarioConfig({
    cwd: root,
    file: options.configFile ?? process.env[SCENARIO_CONFIG_ENV],
    importModule,
  });
  const outputDir = resolve(rootDir, options.outputDir ?? config.outputDir ?? DEFAULT_OUTPUT_DIR);
  // LangWatch users get their runs posted, as with the CLI, once a key is configured.
  const defaultReporters =
    process.env.LANGWATCH_API_KEY || config.langwatch?.apiKey
      ? [...DEFAULT_REPORTERS, "http"]
      : DEFAULT_REPORTERS;
  const specs = withReportDefaults(options.reporters ?? config.reporters ?? defaultReporters, {
    outputDir,
    langwatch: config.langwatch,
  });
  const reporters = await resolveReporters(specs, {
    cwd: rootDir,
    importModule: (url) => importModule(fileURLToPath(url)),
  });
  const bus = createEventBus({ reporters });
  const firstEvent = captured[0]?.runs[0]?.[0];
  const batchRunId = options.batchRunId ?? firstEvent?.batchRunId ?? "batch-run-vitest";
  const plannedRuns = captured.reduce((count, test) => count + test.runs.length, 0);
  await bus.startSuite({ batchRunId, plannedRuns });
  for (const test of captured) {
    for (const run of test.runs) {
      for (const event of run) bus.publish(linkToTest(event, test, batchRunId));
    }
  }
  const summary = await bus.endSuite();
  await bus.close();
  const html = specs.find(
    (spec): spec is [string, Record<string, unknown>] => Array.isArray(spec) && spec[0] === "html",
  );
  if (html) {
    const path = reportFilePath({ cwd: rootDir, ...html[1] }, REPORT_FILE_NAMES.html);
    (options.stdout ?? process.stdout).write(`Scenario HTML report: ${path}\n`);
  }
  return summary;
}

// Runs in the default set are grouped by their test file; every run names its test, so a report
// row leads back to the vitest test that ran it.
function linkToTest(event: ScenarioEvent, test: CapturedTest, batchRunId: string): ScenarioEvent {
  const scenarioSetId = event.scenarioSetId === DEFAULT_SCENARIO_SET_ID ? test.file : event.scenarioSetId;
  const linked = { ...event, batchRunId, scenarioSetId };
  if (linked.type === ScenarioEventType.RUN_STARTED) {
    linked.metadata = { ...linked.metadata, vitestFile: test.file, vitestTest: test.test };
  }
  return linked;
}

// As the CLI does: file reporters write to the config's outputDir, the console never redraws a
// live view under vitest's output, and the http reporter gets the config's LangWatch settings.
function withReportDefaults(
  specs: readonly ReporterSpec[],
  defaults: { outputDir: string; langwatch?: LangWatchSettings },
): ReporterSpec[] {
  return specs.map((spec) => {
    if (typeof spec === "object" && !Array.isArray(spec)) return spec;
    const [name, reporterOptions] = typeof spec === "string" ? [spec, {}] : spec;
    if (FILE_REPORTERS.has(name)) return [name, { outputDir: defaults.outputDir, ...reporterOptions }];
    if (name === "console") return [name, { live: false, ...reporterOptions }];
    if (name === "http") return [name, { env: process.env, ...defaults.langwatch, ...reporterOptions }];
    return spec;
  });
}
