// Type names as `@langwatch/scenario` spells them, for tests written against it. Each one names a
// type Scenario already has; the JSDoc says which and where the shapes differ.

import type { ScenarioExecution } from "@scenario/core";
import type { JudgeAgentOptions } from "@scenario/judge";
import type { UserSimulatorAgentOptions } from "@scenario/user-simulator";
import type { LangWatchSettings } from "./define-config";

/** The options of `judgeAgent()` and `new JudgeAgent()` (`JudgeAgentOptions`); `criteria` is required. */
export type JudgeAgentConfig = JudgeAgentOptions;

/** The options of `userSimulatorAgent()` / `new UserSimulatorAgent()` (`UserSimulatorAgentOptions`). */
export type UserSimulatorAgentConfig = UserSimulatorAgentOptions;

/** What the judge's and the user simulator's options share: model, sampling, name, system prompt. */
export type TestingAgentConfig = Pick<
  UserSimulatorAgentOptions,
  "model" | "temperature" | "maxTokens" | "name" | "systemPrompt"
>;

/** Where runs are posted in LangWatch: `endpoint`, `apiKey`, `projectId` (`LangWatchSettings`). */
export type LangwatchConfig = LangWatchSettings;

/**
 * A scenario's configuration with its defaults filled in (`id`, `threadId`, `maxTurns`, and
 * `setId`), as `ScenarioExecution.config` holds it. Unlike the original, `script` and `verbose`
 * stay optional.
 */
export type ScenarioConfigFinal = ScenarioExecution["config"];
