import type { ScenarioConfig, ScenarioResult } from "@scenario/spec";
import { ScenarioExecution, type ScenarioExecutionOptions } from "./scenario-execution";

/**
 * Runs one scenario and resolves with its result. Rejects with the original error when a script
 * step throws (a failed `expect`, so test runners show their diff) or an agent fails (an
 * `AgentCallError`); resolves with `status: "CANCELLED"` when `config.signal` aborts. Every event
 * of the run also goes to `scenarioEvents$`.
 *
 * @example
 * const result = await run({
 *   name: "weather",
 *   description: "The user asks for the weather in Paris",
 *   agents: [weatherAgent, userSimulatorAgent(), judgeAgent({ criteria: ["Gives a forecast"] })],
 * });
 */
export function run(config: ScenarioConfig, options?: ScenarioExecutionOptions): Promise<ScenarioResult> {
  try {
    return new ScenarioExecution(config, options).execute();
  } catch (error) {
    return Promise.reject(error);
  }
}
