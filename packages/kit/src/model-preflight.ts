import { judgeAgent as createJudgeAgent, type JudgeAgent, type JudgeAgentOptions } from "@scenario/judge";
import { cacheModeFromEnv, getScenarioLLMConfig, resolveModel } from "@scenario/llm";
import type { AgentPreflightContext } from "@scenario/spec";
import {
  userSimulatorAgent as createUserSimulatorAgent,
  type UserSimulatorAgent,
  type UserSimulatorAgentOptions,
} from "@scenario/user-simulator";

/**
 * Creates an LLM judge, as `@scenario/judge`'s `judgeAgent()` does, that also checks before the
 * run's first step that it has a model: without `model`, a configured `defaultModel` or
 * `OPENAI_API_KEY`, the run fails with `ModelMissingError` before the user or the agent speak,
 * instead of after the conversation, at the verdict.
 */
export function judgeAgent(options: JudgeAgentOptions): JudgeAgent {
  return withModelPreflight(createJudgeAgent(options), options.model, "judgeAgent()");
}

/**
 * Creates the LLM user simulator, as `@scenario/user-simulator`'s `userSimulatorAgent()` does,
 * that also checks before the run's first step that it has a model (see `judgeAgent()`).
 */
export function userSimulatorAgent(options: UserSimulatorAgentOptions = {}): UserSimulatorAgent {
  return withModelPreflight(createUserSimulatorAgent(options), options.model, "userSimulatorAgent()");
}

function withModelPreflight<T extends JudgeAgent | UserSimulatorAgent>(
  adapter: T,
  model: unknown,
  participant: string,
): T {
  if (model !== undefined) return adapter;
  const preflight = (adapter as { preflight?: (context: AgentPreflightContext) => unknown }).preflight;
  return Object.assign(adapter, {
    async preflight(context: AgentPreflightContext): Promise<void> {
      await preflight?.call(adapter, context);
      // In replay mode the recordings answer without a key; a missing one surfaces as a cache miss.
      const mode = getScenarioLLMConfig().cacheMode ?? cacheModeFromEnv();
      resolveModel(undefined, { participant, replayOnly: mode === "replay" });
    },
  });
}
