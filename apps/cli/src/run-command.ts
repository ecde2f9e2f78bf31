import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createScenarioRunId, type DebugPrompt, getBatchRunId, scenarioEvents$ } from "@scenario/core";
import { createEventBus, resolveReporters } from "@scenario/events";
import {
  applyProjectConfig,
  coloredDebugPrompt,
  createScenarioExecution,
  type LangWatchSettings,
  type ScenarioTeardown,
} from "@scenario/kit";
import { type CacheMode, cacheModeFromEnv, DEFAULT_CACHE_DIR } from "@scenario/llm";
import {
  ConfigurationError,
  DEFAULT_SCENARIO_SET_ID,
  getScenarioInstrumentation,
  isScenarioError,
  type ReporterSpec,
  type ScenarioBudget,
  type ScenarioEvent,
  ScenarioEventType,
  type ScenarioRunStatus,
} from "@scenario/spec";
import picocolors from "picocolors";
import { DEFAULT_CONCURRENCY, EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from "./cli-defaults";
import type { CliIO } from "./cli-io";
import { resolveDebugMode } from "./debug-mode";
import { discoverScenarioFiles } from "./discover-scenario-files";
import { EXIT_INTERRUPTED, handleInterrupts } from "./interrupt-handler";
import { configOutputDir, loadProjectConfig } from "./load-project-config";
import { type DiscoveredScenario, loadScenarios } from "./load-scenarios";
import { createModuleLoader } from "./module-loader";
import { printRepeatSummary } from "./print-repeat-summary";
import { printRunEnd, removeStaleReports, reportOutputs } from "./report-outputs";
import { DEFAULT_REPORTERS, withReportDefaults } from "./report-paths";
import { runPool } from "./run-pool";
import { createGrepMatcher, type Shard, selectShard, sortScenarios } from "./select-scenarios";
import { resolveSuiteBudget, SuiteBudgetTracker } from "./suite-budget";

export { DEFAULT_CONCURRENCY, EXIT_FAILED, EXIT_PASSED, EXIT_USAGE } from "./cli-defaults";

// LangWatch users get their runs posted, as with @langwatch/scenario, once a key is configured.
function defaultReporters(env: NodeJS.ProcessEnv, langwatch: LangWatchSettings | undefined): ReporterSpec[] {
  return env.LANGWATCH_API_KEY || langwatch?.apiKey ? [...DEFAULT_REPORTERS, "http"] : DEFAULT_REPORTERS;
}

// How long in-flight runs get to wind down after Ctrl-C before the reports are flushed anyway.
const CANCEL_GRACE_MS = 10_000;

/** The flags of `scenario run`, parsed. */
export interface RunCommandOptions {
  /** Files, folders or globs; empty for the whole project. */
  paths: string[];
  /** An explicit config file. */
  config?: string;
  /** Keep scenarios whose name, id or set matches. */
  grep?: string;
  /** Scenarios at once. */
  concurrency?: number;
  /** Runs per scenario. @default 1 */
  repeat?: number;
  /** Run one part of the suite. */
  shard?: Shard;
  /** Reporters, replacing the config's. */
  reporters?: string[];
  /** Where file reporters write. */
  outputDir?: string;
  /** Overrides every scenario's `maxTurns`. */
  maxTurns?: number;
  /** Overrides every scenario's `timeout`, in milliseconds (0: no deadline). */
  timeout?: number;
  /** The record/replay cache mode. */
  cache?: CacheMode;
  /** Stop at the first failure. */
  bail?: boolean;
  /** Suite budget in US dollars (`--max-cost`): no scenario starts once the finished runs cost this much. */
  maxCostUsd?: number;
  /** Suite budget in tokens (`--max-tokens`). */
  maxTokens?: number;
  /** Print the selection and run nothing. */
  list?: boolean;
  /** With `list`: print JSON. */
  json?: boolean;
  /** Step through the scenarios one at a time, typing the user's lines (needs a terminal). */
  debug?: boolean;
  /** Play voice calls through the machine's audio output as they happen (`audioPlayback: true`). */
  play?: boolean;
}

interface RunOutcome {
  scenario: DiscoveredScenario;
  status: ScenarioRunStatus;
  /** Why the run errored, when it did. */
  error?: unknown;
}

// Errors that no other scenario would escape either (no model, an invalid config): the suite stops
// at the first and exits 2, instead of failing every run the same way after its conversation.
const SETUP_ERROR_CODES = new Set(["MODEL_MISSING", "CONFIG_INVALID"]);

function setupErrorOf(error: unknown): Error | undefined {
  for (let current = error, depth = 0; current !== undefined && depth < 5; depth += 1) {
    if (isScenarioError(current) && SETUP_ERROR_CODES.has(current.code)) return current;
    current = current instanceof Error ? current.cause : undefined;
  }
  return undefined;
}

/**
 * `scenario run`: loads the config, discovers and selects scenarios, runs them with a global
 * concurrency limit, feeds every event to the reporters and returns the exit code (0 passed,
 * 1 failed, 2 usage error, 130 interrupted). Configuration errors are thrown as
 * `ConfigurationError` for the caller to print.
 */
export async function runCommand(options: RunCommandOptions, io: CliIO): Promise<number> {
  const useColors = Boolean(io.stdout.isTTY) && !io.env.NO_COLOR;
  const colors = picocolors.createColors(useColors);
  const load = createModuleLoader();
  const loaded = await loadProjectConfig({ cwd: io.cwd, configPath: options.config, load });
  const { config, rootDir } = loaded;

  const files = await discoverScenarioFiles({
    cwd: io.cwd,
    rootDir,
    paths: options.paths,
    testMatch: config.testMatch,
    testIgnore: config.testIgnore,
  });
  if (files.length === 0) {
    throw new ConfigurationError(
      `No scenario files found under ${rootDir}. Create one named *.scenario.ts (see \`scenario init\`), ` +
        "pass paths to `scenario run`, or set testMatch in scenario.config.ts.",
    );
  }
  const discovered = await loadScenarios({ files, rootDir, load });
  let selected = sortScenarios(discovered);
  if (options.grep !== undefined) {
    const matches = createGrepMatcher(options.grep);
    selected = selected.filter(matches);
    if (selected.length === 0) {
      throw new ConfigurationError(
        `No scenario matches --grep "${options.grep}" (searched names, ids and sets of ${discovered.length} ` +
          `scenario${discovered.length === 1 ? "" : "s"} in ${files.length} file${files.length === 1 ? "" : "s"}). ` +
          "Run `scenario run --list` to see them.",
      );
    }
  }
  if (options.shard) selected = selectShard(selected, options.shard);

  const repeat = options.repeat ?? 1;
  if (options.list) {
    printList(selected, options, io, colors);
    return EXIT_PASSED;
  }
  const shardLabel = options.shard ? ` (shard ${options.shard.index}/${options.shard.count})` : "";
  if (selected.length === 0) {
    io.stdout.write(`No scenarios to run${shardLabel}: this shard is empty.\n`);
    return EXIT_PASSED;
  }

  const debug = resolveDebugMode(
    {
      flag: options.debug,
      config: config.debug,
      scenarios: selected.filter((scenario) => scenario.definition.debug).map((scenario) => scenario.name),
    },
    io,
  );
  // One prompt for the whole suite: lines typed ahead of a question are kept for the next run.
  const debugPrompt = debug
    ? coloredDebugPrompt({ colors: useColors, input: io.stdin, output: io.stdout })
    : undefined;
  const cacheMode = options.cache ?? config.cacheMode ?? cacheModeFromEnv(io.env) ?? "off";
  applyProjectConfig({
    ...config,
    cacheMode,
    cacheDir: resolve(rootDir, config.cacheDir ?? DEFAULT_CACHE_DIR),
  });
  // Debug mode asks at the terminal: one scenario at a time, or the questions would interleave.
  // One call at a time when they are played aloud (--play), or stepped through by hand.
  const concurrency =
    debug || options.play ? 1 : (options.concurrency ?? config.concurrency ?? DEFAULT_CONCURRENCY);
  const outputDir = options.outputDir ? resolve(io.cwd, options.outputDir) : configOutputDir(loaded);
  const fromFlags = options.reporters !== undefined && options.reporters.length > 0;
  // Module paths are relative to where they were written: the shell's directory or the config's.
  const reporterCwd = fromFlags ? io.cwd : rootDir;
  const reporterSpecs = withReportDefaults(
    fromFlags
      ? (options.reporters as string[])
      : (config.reporters ?? defaultReporters(io.env, config.langwatch)),
    { outputDir, langwatch: config.langwatch, env: io.env, debug },
  );
  const outputs = reportOutputs(reporterSpecs, reporterCwd);
  const consoleReporter = reporterSpecs.some(
    (spec) => spec === "console" || (Array.isArray(spec) && spec[0] === "console"),
  );
  const reporters = await resolveReporters(reporterSpecs, {
    cwd: reporterCwd,
    importModule: (url) => load(fileURLToPath(url)),
  });

  // Ctrl-C: stop starting scenarios, cancel the running ones, flush the reports, exit 130.
  let interruptedBy: NodeJS.Signals | undefined;
  const interrupts = handleInterrupts(
    (signalName) => {
      interruptedBy = signalName;
      io.stderr.write(
        `\n${colors.yellow("Interrupted")}: cancelling running scenarios and writing reports… (press Ctrl-C again to exit now)\n`,
      );
    },
    // The second Ctrl-C exits at once: reporters that can save synchronously (the HTTP spool) do.
    () => bus.emergencyFlush(),
  );
  const bail = new AbortController();
  const stopSignal = AbortSignal.any([interrupts.signal, bail.signal]);
  // The suite budget stops starting scenarios and cancels none: its signal reaches the pool only.
  const suiteBudget = new SuiteBudgetTracker(resolveSuiteBudget(options, config.suiteBudget));
  const budgetStop = new AbortController();
  let budgetReason: string | undefined;
  const budgetWatch = scenarioEvents$.subscribe((event) => suiteBudget.record(event));

  let teardown: ScenarioTeardown | undefined;
  const bus = createEventBus({ source: scenarioEvents$, reporters, stderr: io.stderr });
  try {
    if (config.setup) teardown = (await config.setup()) ?? undefined;
    const batchRunId = getBatchRunId();
    removeStaleReports(outputDir, outputs);
    await bus.startSuite({ batchRunId, plannedRuns: selected.length * repeat });

    const outcomes: RunOutcome[] = [];
    let setupError: Error | undefined;
    // Which runs the pool started: the rest are reported as skipped, so the totals add up.
    const planned = selected.flatMap((scenario) => Array.from({ length: repeat }, () => scenario));
    const started = new Set<number>();
    const tasks = planned.map((scenario, position) => async () => {
      started.add(position);
      const outcome = await runOne(scenario, {
        signal: stopSignal,
        maxTurns: options.maxTurns ?? scenario.definition.maxTurns ?? config.maxTurns,
        // Stepping through by hand waits on a person: no deadline then, unless --timeout asks for one.
        timeout: options.timeout ?? (debug ? 0 : (scenario.definition.timeout ?? config.timeout)),
        cacheKey: cacheMode === "off" ? undefined : (scenario.definition.cacheKey ?? scenario.id),
        publish: (event) => bus.publish(event),
        batchRunId,
        output: io.stdout,
        debugPrompt,
        play: options.play === true,
        defaultBudget: config.budget,
      });
      const { status } = outcome;
      outcomes.push({ scenario, ...outcome });
      const setupProblem = setupErrorOf(outcome.error);
      if (setupProblem && !setupError) {
        setupError = setupProblem;
        bail.abort();
      }
      if (suiteBudget.active && !budgetStop.signal.aborted) {
        budgetReason = suiteBudget.exceededReason();
        if (budgetReason) {
          budgetStop.abort();
          io.stderr.write(`${colors.yellow("Suite budget")}: ${budgetReason}; no further scenario starts.\n`);
        }
      }
      if (options.bail && status !== "SUCCESS" && !bail.signal.aborted) {
        bail.abort();
        io.stderr.write(`${colors.red("--bail")}: "${scenario.name}" did not pass; stopping the suite.\n`);
      }
    });
    const pool = runPool(tasks, { concurrency, signal: AbortSignal.any([stopSignal, budgetStop.signal]) });
    await Promise.race([pool, afterAbort(interrupts.signal, CANCEL_GRACE_MS)]);

    const notStartedReason = interruptedBy
      ? `The suite was interrupted (${interruptedBy}) before this run started.`
      : setupError
        ? "The suite stopped at a configuration error before this run started."
        : budgetReason
          ? `The suite budget stopped the suite before this run started: ${budgetReason}.`
          : "The suite stopped (--bail) before this run started.";
    const summary = await bus.endSuite(undefined, {
      notStarted: planned
        .filter((_scenario, position) => !started.has(position))
        .map((scenario) => ({
          scenarioId: scenario.id,
          scenarioSetId: scenario.setId,
          name: scenario.name,
          reason: notStartedReason,
        })),
    });
    await bus.close();
    // With setupScenarioTracing(): end the suite's span and export what is pending before exit.
    await getScenarioInstrumentation()
      ?.flush?.()
      .catch((error: unknown) =>
        io.stderr.write(`Tracing: exporting the suite's spans failed: ${String(error)}\n`),
      );

    if (repeat > 1) printRepeatSummary(selected, summary, repeat, io, colors);
    printRunEnd(summary, { outputs, consoleReporter }, io, colors);
    const notStarted = planned.length - started.size;
    if (setupError && !interruptedBy) {
      // The console reporter already showed the error under the run; without it, say it here.
      if (!consoleReporter) io.stderr.write(`Error: ${setupError.message}\n`);
      io.stderr.write(
        `${colors.red("Stopped")}: a scenario could not start (the configuration error above); ` +
          `${notStarted} run${notStarted === 1 ? "" : "s"} not started. Fix it and run again.\n`,
      );
      return EXIT_USAGE;
    }
    if (notStarted > 0 && !interruptedBy) {
      const why = budgetReason ? `suite budget: ${budgetReason}` : "--bail";
      io.stdout.write(`${notStarted} run${notStarted === 1 ? "" : "s"} not started (${why}).\n`);
    }
    if (interruptedBy) {
      io.stderr.write(
        `Interrupted: ${outcomes.length} run${outcomes.length === 1 ? "" : "s"} reported, ${notStarted} not started.\n`,
      );
      return EXIT_INTERRUPTED;
    }
    if (budgetReason && notStarted > 0) return EXIT_FAILED;
    return outcomes.every((outcome) => outcome.status === "SUCCESS") ? EXIT_PASSED : EXIT_FAILED;
  } finally {
    budgetWatch.unsubscribe();
    interrupts.dispose();
    if (teardown) await teardown();
  }
}

/** Runs one scenario and resolves with its status; it never rejects. */
async function runOne(
  scenario: DiscoveredScenario,
  options: {
    signal: AbortSignal;
    maxTurns: number | undefined;
    /** The run's deadline in milliseconds; undefined for core's default. */
    timeout: number | undefined;
    cacheKey: string | undefined;
    publish: (event: ScenarioEvent) => void;
    batchRunId: string;
    /** Where a verbose scenario prints its messages and debug mode asks: the CLI's stdout. */
    output: CliIO["stdout"];
    /** In debug mode (`--debug`), the prompt that asks for the user's lines. */
    debugPrompt: DebugPrompt | undefined;
    /** `--play`: voice calls play through the speakers. */
    play?: boolean;
    /** The config's `budget`, under each scenario's own. */
    defaultBudget?: ScenarioBudget | undefined;
  },
): Promise<Omit<RunOutcome, "scenario">> {
  // One signal per run, so listeners added during a run are dropped with it instead of piling up
  // on the suite-wide signal.
  const runController = new AbortController();
  const cancel = () => runController.abort();
  if (options.signal.aborted) cancel();
  else options.signal.addEventListener("abort", cancel, { once: true });
  try {
    let execution: Awaited<ReturnType<typeof createScenarioExecution>>;
    try {
      // The kit gives verbose and debug mode their coloured printer and prompt, as `run()` has them.
      execution = await createScenarioExecution(
        { ...scenario.definition, id: scenario.id },
        {
          signal: runController.signal,
          maxTurns: options.maxTurns,
          timeout: options.timeout,
          cacheKey: options.cacheKey,
          output: options.output,
          ...(options.debugPrompt ? { debug: true, verbose: true, debugPrompt: options.debugPrompt } : {}),
          ...(options.play ? { audioPlayback: true } : {}),
          ...(options.defaultBudget ? { defaultBudget: options.defaultBudget } : {}),
        },
      );
    } catch (error) {
      publishUnstartedRun(scenario, error, options);
      return { status: "ERROR", error };
    }
    try {
      return { status: (await execution.execute()).status };
    } catch (error) {
      // Core has already reported the run as errored (the failed step or agent, with its message).
      return { status: "ERROR", error };
    }
  } finally {
    options.signal.removeEventListener("abort", cancel);
  }
}

// A run that failed before core could start it (its agents() factory threw, its config is invalid)
// still appears in every report, as an errored run.
function publishUnstartedRun(
  scenario: DiscoveredScenario,
  error: unknown,
  options: { publish: (event: ScenarioEvent) => void; batchRunId: string },
): void {
  const message = error instanceof Error ? error.message : String(error);
  const base = {
    batchRunId: options.batchRunId,
    scenarioRunId: createScenarioRunId(),
    scenarioId: scenario.id,
    scenarioSetId: scenario.setId,
  };
  options.publish({
    ...base,
    type: ScenarioEventType.RUN_STARTED,
    timestamp: Date.now(),
    metadata: { name: scenario.name, description: scenario.definition.description },
  });
  options.publish({
    ...base,
    type: ScenarioEventType.RUN_FINISHED,
    timestamp: Date.now(),
    name: scenario.name,
    status: "ERROR",
    results: { verdict: "failure", reasoning: message, error: message, metCriteria: [], unmetCriteria: [] },
  });
}

function afterAbort(signal: AbortSignal, graceMs: number): Promise<void> {
  return new Promise((resolvePromise) => {
    const start = () => setTimeout(resolvePromise, graceMs).unref();
    if (signal.aborted) start();
    else signal.addEventListener("abort", start, { once: true });
  });
}

function printList(
  scenarios: readonly DiscoveredScenario[],
  options: RunCommandOptions,
  io: CliIO,
  colors: ReturnType<typeof picocolors.createColors>,
): void {
  if (options.json) {
    const rows = scenarios.map(({ file, id, name, setId }) => ({ file, id, name, setId }));
    io.stdout.write(`${JSON.stringify(rows, null, 2)}\n`);
    return;
  }
  let currentFile: string | undefined;
  for (const scenario of scenarios) {
    if (scenario.file !== currentFile) {
      currentFile = scenario.file;
      io.stdout.write(`${colors.bold(scenario.file)}\n`);
    }
    const set = scenario.setId === DEFAULT_SCENARIO_SET_ID ? "" : colors.dim(` [${scenario.setId}]`);
    io.stdout.write(`  ${scenario.name} ${colors.dim(`(${scenario.id})`)}${set}\n`);
  }
  const fileCount = new Set(scenarios.map((scenario) => scenario.file)).size;
  const repeat = options.repeat ?? 1;
  const shard = options.shard ? `, shard ${options.shard.index}/${options.shard.count}` : "";
  const runs = repeat > 1 ? `, ${scenarios.length * repeat} runs with --repeat ${repeat}` : "";
  io.stdout.write(
    `${scenarios.length} scenario${scenarios.length === 1 ? "" : "s"} in ${fileCount} file${fileCount === 1 ? "" : "s"}${runs}${shard}\n`,
  );
}
