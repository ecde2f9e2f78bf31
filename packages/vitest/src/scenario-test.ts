import {
  createScenarioExecution,
  scenario as kitScenario,
  type RunScenarioOptions,
  type ScenarioDefinition,
} from "@scenario/kit";
import { ConfigurationError, type ScenarioEvent, type ScenarioResult } from "@scenario/spec";
import { describe, type TestContext, test } from "vitest";
import { formatScenarioResult } from "./format-scenario-result";
import { addScenarioRun, recordRunTurns } from "./run-registry";
import { ensureScenarioProject } from "./scenario-project";

/** Options of `scenarioTest()` and `describeScenarios()`. */
export interface ScenarioTestOptions extends Pick<RunScenarioOptions, "maxTurns" | "metadata" | "verbose"> {
  /** Run this test at the same time as the file's other concurrent tests (`test.concurrent`). @default false */
  concurrent?: boolean;
  /**
   * Runs of the scenario; the test passes only when every one passes (pass^k), and its failure
   * lists how many passed and why each failing one failed.
   * @default 1
   */
  repeats?: number;
  /** The test's timeout in milliseconds, for all repeats together. @default vitest's testTimeout */
  timeout?: number;
}

/**
 * Declares a vitest test that runs a scenario and passes when it passes: a scenario file can be a
 * vitest file too. The runs' events go to the `@scenario/vitest` reporter (through the test's
 * `meta`), which writes Scenario's reports; a failure shows the verdict, every unmet criterion
 * with the judge's reasoning and the end of the conversation.
 *
 * @example
 * scenarioTest("refunds a broken item", refundScenario, { repeats: 3 });
 */
export function scenarioTest(
  name: string,
  definition: ScenarioDefinition,
  options: ScenarioTestOptions = {},
): void {
  const repeats = options.repeats ?? 1;
  if (!Number.isInteger(repeats) || repeats < 1) {
    throw new ConfigurationError(
      `scenarioTest("${name}"): repeats must be a whole number of at least 1, got ${JSON.stringify(options.repeats)}.`,
    );
  }
  if (typeof definition?.agents !== "function") {
    throw new ConfigurationError(
      `scenarioTest("${name}"): pass a scenario definition with agents: () => [...] (see defineScenario in @scenario/kit).`,
    );
  }
  const declare = options.concurrent ? test.concurrent : test;
  const testOptions = options.timeout === undefined ? {} : { timeout: options.timeout };
  declare(name, testOptions, async (context) => {
    const results: ScenarioResult[] = [];
    for (let index = 0; index < repeats; index += 1) {
      results.push(await runCaptured(definition, options, context));
    }
    assertAllPassed(results);
  });
}

/**
 * Declares a `describe` block with one `scenarioTest` per definition, named after the scenario.
 *
 * @example
 * describeScenarios("support agent", [refund, delayedOrder], { concurrent: true });
 */
export function describeScenarios(
  name: string,
  definitions: readonly ScenarioDefinition[],
  options: ScenarioTestOptions = {},
): void {
  describe(name, () => {
    for (const definition of definitions) scenarioTest(definition.name, definition, options);
  });
}

/** Kit's `scenario` object plus `scenario.test` (`scenarioTest`), for files written against the reference. */
export const scenario = { ...kitScenario, test: scenarioTest };

async function runCaptured(
  definition: ScenarioDefinition,
  options: ScenarioTestOptions,
  context: TestContext,
): Promise<ScenarioResult> {
  const { config } = await ensureScenarioProject((path) => import(path));
  const cacheMode = config.cacheMode ?? process.env.SCENARIO_CACHE_MODE ?? "off";
  const execution = await createScenarioExecution(definition, {
    maxTurns: options.maxTurns ?? definition.maxTurns ?? config.maxTurns,
    cacheKey: cacheMode === "off" ? undefined : (definition.cacheKey ?? definition.id ?? definition.name),
    metadata: options.metadata,
    verbose: options.verbose,
    signal: context.signal,
  });
  const events: ScenarioEvent[] = [];
  const subscription = execution.events$.subscribe((event) => events.push(event));
  try {
    return await execution.execute();
  } finally {
    subscription.unsubscribe();
    // Recorded even when the run errored: the reports show errored runs too.
    if (events.length > 0) {
      addScenarioRun(context.task.meta, events);
      recordRunTurns(events);
    }
  }
}

// Thrown as a plain error so the check needs no registered matcher (the setup entry is optional).
function assertAllPassed(results: readonly ScenarioResult[]): void {
  const failed = results.filter((result) => !result.success);
  if (failed.length === 0) return;
  const details = failed.map((result) => formatScenarioResult(result)).join("\n\n");
  if (results.length === 1) {
    throw new ScenarioTestFailure(
      `expected the scenario to pass, but it ended with ${failed[0]?.status}\n\n${details}`,
    );
  }
  const passed = results.length - failed.length;
  throw new ScenarioTestFailure(
    `pass^${results.length} failed: ${passed}/${results.length} runs passed; every run must pass.\n\n${details}`,
  );
}

/** The failure of a `scenarioTest`: its message is the verdict, the criteria and the transcript. */
class ScenarioTestFailure extends Error {
  override name = "ScenarioTestFailure";
}
