import { ScenarioExecution, type ScenarioExecutionOptions } from "@scenario/core";
import type { ScenarioBudget, ScenarioConfig, ScenarioResult } from "@scenario/spec";
import type { ColoredConsoleOptions } from "./colored-console";
import type { ScenarioDefinition } from "./define-scenario";
import { withPricing } from "./with-pricing";

/**
 * Per-run settings that the caller (the CLI, a test) lays over a scenario definition, and where its
 * verbose and debug mode read and write (kit's coloured printer and prompt unless you give others).
 */
export interface RunScenarioOptions extends ScenarioExecutionOptions, ColoredConsoleOptions {
  /** Cancels the run: it ends with status CANCELLED. */
  signal?: AbortSignal;
  /** Overrides the definition's `maxTurns`. */
  maxTurns?: number;
  /** Overrides the definition's `timeout` (ms; `scenario run --timeout`). */
  timeout?: number;
  /** The `timeout` of definitions that set none (the project config's). */
  defaultTimeout?: number;
  /** Overrides the definition's `cacheKey` (enables the record/replay cache for this run). */
  cacheKey?: string;
  /** Overrides the definition's `verbose`. */
  verbose?: boolean;
  /** Overrides the definition's `debug` (step through the run, typing the user's lines). */
  debug?: boolean;
  /** Overrides the definition's `audioPlayback` (`scenario run --play`). */
  audioPlayback?: ScenarioConfig["audioPlayback"];
  /** Merged over the definition's `metadata`. */
  metadata?: Record<string, unknown>;
  /**
   * The budget of scenarios that set none, key by key (the project config's `budget`): the
   * definition's own keys win.
   */
  defaultBudget?: ScenarioBudget;
}

/**
 * Runs one scenario declared with `defineScenario()`: creates fresh agents and script steps, and
 * runs them as `run()` does (rejecting when a step throws or an agent fails). Use it to run
 * scenario-file definitions inside a test framework too:
 * `expect((await runScenario(refundScenario)).success).toBe(true)`.
 */
export async function runScenario(
  definition: ScenarioDefinition,
  options: RunScenarioOptions = {},
): Promise<ScenarioResult> {
  return (await createScenarioExecution(definition, options)).execute();
}

/**
 * Prepares one run of a scenario definition without starting it: creates fresh agents and script
 * steps and validates the configuration. Throws (before any event is emitted) when the `agents()`
 * factory throws or the configuration is invalid; `execute()` then runs it.
 */
export async function createScenarioExecution(
  definition: ScenarioDefinition,
  options: RunScenarioOptions = {},
): Promise<ScenarioExecution> {
  const agents = await definition.agents();
  const script = typeof definition.script === "function" ? definition.script() : definition.script;
  const metadata =
    definition.metadata || options.metadata ? { ...definition.metadata, ...options.metadata } : undefined;
  const config: ScenarioConfig = dropUndefined({
    name: definition.name,
    description: definition.description,
    agents,
    script,
    id: definition.id,
    setId: definition.setId,
    maxTurns: options.maxTurns ?? definition.maxTurns,
    timeout: options.timeout ?? definition.timeout ?? options.defaultTimeout,
    verbose: options.verbose ?? definition.verbose,
    debug: options.debug ?? definition.debug,
    audioPlayback: options.audioPlayback ?? definition.audioPlayback,
    onAudioChunk: definition.onAudioChunk,
    onVoiceEvent: definition.onVoiceEvent,
    cacheKey: options.cacheKey ?? definition.cacheKey,
    metadata,
    signal: options.signal,
    budget:
      definition.budget || options.defaultBudget
        ? { ...options.defaultBudget, ...definition.budget }
        : undefined,
  });
  return new ScenarioExecution(config, await withPricing(options));
}

// Keys set to undefined would hide core's defaults behind an explicit `undefined`.
function dropUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, entry]) => entry !== undefined)) as T;
}
