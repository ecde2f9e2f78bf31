import { type AgentAdapter, ConfigurationError, type ScenarioConfig, type ScriptStep } from "@scenario/spec";

// A registered symbol, so a definition made by one copy of the kit (ESM and CJS builds loaded side
// by side) is still recognised by another.
const DEFINITION_MARK = Symbol.for("@scenario/kit.scenario-definition");

/**
 * A scenario declared for the `scenario` CLI (or for `runScenario()` in a test): everything
 * `run()` takes, except that participants come from a factory so that every run, repeat and
 * concurrent copy gets fresh adapters.
 */
export interface ScenarioDefinition
  extends Pick<
    ScenarioConfig,
    | "name"
    | "description"
    | "id"
    | "setId"
    | "maxTurns"
    | "metadata"
    | "verbose"
    | "debug"
    | "onAudioChunk"
    | "onVoiceEvent"
    | "audioPlayback"
    | "budget"
    | "timeout"
  > {
  /**
   * Creates the participants of one run: the agent under test, and usually a user simulator and
   * a judge. Called once per run, so adapters may keep per-conversation state.
   */
  agents: () => AgentAdapter[] | Promise<AgentAdapter[]>;
  /**
   * The steps to run, or a factory of them (for steps that keep state). Without one the run is
   * `[proceed()]`.
   */
  script?: ScriptStep[] | (() => ScriptStep[]);
  /** The record/replay cache key for this scenario's model calls. @default its id, when a cache mode is on */
  cacheKey?: string;
}

/** A `ScenarioDefinition` as returned by `defineScenario()`, recognisable in a module's exports. */
export type DefinedScenario = ScenarioDefinition & { readonly [DEFINITION_MARK]: true };

/**
 * Declares a scenario without running it, for scenario files (`*.scenario.ts`) that the CLI
 * discovers: `export default defineScenario({ name, description, agents: () => [...] })`. Export
 * several, or an array, to declare more than one per file.
 *
 * Checks the shape at once so a mistake is reported with the file that made it.
 */
export function defineScenario(definition: ScenarioDefinition): DefinedScenario {
  const problems = describeDefinitionProblems(definition);
  if (problems.length > 0) {
    const label =
      typeof definition?.name === "string" && definition.name ? `"${definition.name}"` : "(unnamed)";
    throw new ConfigurationError(`defineScenario(${label}): ${problems.join(" ")}`);
  }
  return Object.defineProperty({ ...definition }, DEFINITION_MARK, { value: true }) as DefinedScenario;
}

/** True when `value` was made by `defineScenario()`. */
export function isScenarioDefinition(value: unknown): value is DefinedScenario {
  return (
    typeof value === "object" &&
    value !== null &&
    (value as Record<symbol, unknown>)[DEFINITION_MARK] === true
  );
}

function describeDefinitionProblems(definition: ScenarioDefinition): string[] {
  if (typeof definition !== "object" || definition === null) {
    return ["Pass an object: defineScenario({ name, description, agents: () => [...] })."];
  }
  const problems: string[] = [];
  if (typeof definition.name !== "string" || definition.name.trim() === "") {
    problems.push("`name` must be a non-empty string.");
  }
  if (typeof definition.description !== "string") {
    problems.push("`description` must be a string (what happens in the scenario).");
  }
  if (Array.isArray(definition.agents)) {
    problems.push(
      "`agents` must be a function that creates fresh adapters for each run: `agents: () => [new MyAgent(), userSimulatorAgent(), judgeAgent({ criteria })]`.",
    );
  } else if (typeof definition.agents !== "function") {
    problems.push("`agents` is required: a function returning the run's adapters, `agents: () => [...]`.");
  }
  if (
    definition.script !== undefined &&
    !Array.isArray(definition.script) &&
    typeof definition.script !== "function"
  ) {
    problems.push("`script` must be an array of steps or a function returning one.");
  }
  if (
    definition.maxTurns !== undefined &&
    (!Number.isInteger(definition.maxTurns) || (definition.maxTurns as number) < 1)
  ) {
    problems.push("`maxTurns` must be a positive integer.");
  }
  if (
    definition.timeout !== undefined &&
    (typeof definition.timeout !== "number" || !Number.isFinite(definition.timeout) || definition.timeout < 0)
  ) {
    problems.push(
      "`timeout` must be a number of milliseconds (300000 is 5 minutes; 0 turns the deadline off).",
    );
  }
  return problems;
}
