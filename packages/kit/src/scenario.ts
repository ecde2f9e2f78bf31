import { ScenarioExecution, ScenarioExecutionState } from "@scenario/core";
import { JudgeAgent } from "@scenario/judge";
import { agent, dtmf, fail, judge, message, proceed, succeed, user } from "@scenario/script";
import { AgentRole, DEFAULT_MAX_TURNS } from "@scenario/spec";
import { UserSimulatorAgent } from "@scenario/user-simulator";
import { AgentAdapter, JudgeAgentAdapter, UserSimulatorAgentAdapter } from "./agent-adapter";
import { defineConfig } from "./define-config";
import { defineScenario } from "./define-scenario";
import { judgeAgent, userSimulatorAgent } from "./model-preflight";
import { run } from "./run";
import { runScenario } from "./run-scenario";
import { voiceAgent } from "./voice-agent";

// The turn limit of a scenario that sets none (10, as in `@langwatch/scenario`), shared with core.
export { DEFAULT_MAX_TURNS };

/** Whether messages are printed as they are added when a scenario does not say, as in `@langwatch/scenario`. */
export const DEFAULT_VERBOSE = false;

/** Every role, in the order `@langwatch/scenario` lists them. */
export const allAgentRoles = [AgentRole.USER, AgentRole.AGENT, AgentRole.JUDGE] as const;

/**
 * Everything a text scenario needs, on one object shaped like the default export of
 * `@langwatch/scenario`: `scenario.run({...})`, `scenario.user()`, `scenario.judgeAgent({...})`,
 * and so on. A test written against that library runs after changing only the import.
 */
export const scenario = {
  run,
  user,
  agent,
  judge,
  proceed,
  succeed,
  fail,
  message,
  voiceAgent,
  dtmf,
  judgeAgent,
  userSimulatorAgent,
  JudgeAgent,
  UserSimulatorAgent,
  AgentAdapter,
  AgentRole,
  JudgeAgentAdapter,
  UserSimulatorAgentAdapter,
  DEFAULT_MAX_TURNS,
  DEFAULT_VERBOSE,
  allAgentRoles,
  defineConfig,
  defineScenario,
  runScenario,
  ScenarioExecution,
  ScenarioExecutionState,
};
