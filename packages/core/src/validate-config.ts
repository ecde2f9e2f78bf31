import {
  AGENT_SPECIFICATION_VERSION,
  AgentRole,
  ConfigurationError,
  type ScenarioConfig,
} from "@scenario/spec";
import { validateBudget } from "./budget-check";
import { describeValue } from "./describe-value";

const ROLES = new Set<string>(Object.values(AgentRole));

/** Checks a `run()` configuration up front, so mistakes surface before any agent is called. */
export function validateConfig(config: unknown): asserts config is ScenarioConfig {
  if (config === null || typeof config !== "object") {
    throw new ConfigurationError(
      `run() needs a scenario configuration object ({ name, description, agents, script? }), got ${describeValue(config)}.`,
    );
  }
  const candidate = config as Partial<Record<keyof ScenarioConfig, unknown>>;
  if (typeof candidate.name !== "string" || candidate.name.trim() === "") {
    throw new ConfigurationError(
      `The scenario needs a \`name\` (a non-empty string, shown in reports), got ${describeValue(candidate.name)}.`,
    );
  }
  const label = `Scenario "${candidate.name}"`;
  if (typeof candidate.description !== "string" || candidate.description.trim() === "") {
    throw new ConfigurationError(
      `${label} needs a \`description\` (a non-empty string saying what happens; the user simulator ` +
        `plays it and the judge reads it), got ${describeValue(candidate.description)}.`,
    );
  }
  if (!Array.isArray(candidate.agents)) {
    throw new ConfigurationError(
      `${label}: \`agents\` must be an array of agent adapters, e.g. [myAgent, userSimulatorAgent(), ` +
        `judgeAgent({ criteria })], got ${describeValue(candidate.agents)}.`,
    );
  }
  candidate.agents.forEach((adapter: unknown, index: number) => {
    validateAdapter(label, adapter, index);
  });
  if (candidate.maxTurns !== undefined) {
    const maxTurns = candidate.maxTurns;
    if (typeof maxTurns !== "number" || !Number.isInteger(maxTurns) || maxTurns < 1) {
      throw new ConfigurationError(
        `${label}: \`maxTurns\` must be a positive whole number (the default is 10), got ${describeValue(maxTurns)}.`,
      );
    }
  }
  if (candidate.script !== undefined) {
    if (!Array.isArray(candidate.script)) {
      throw new ConfigurationError(
        `${label}: \`script\` must be an array of steps, e.g. [user("hi"), agent(), succeed()], got ` +
          `${describeValue(candidate.script)}.`,
      );
    }
    candidate.script.forEach((step: unknown, index: number) => {
      if (typeof step !== "function") {
        throw new ConfigurationError(
          `${label}: script step ${index} is ${describeValue(step)}, not a step. Steps are functions: ` +
            `use user(), agent(), judge(), proceed(), succeed(), fail() or (state, execution) => { ... }.`,
        );
      }
    });
  }
  for (const key of ["id", "threadId", "setId"] as const) {
    const value = candidate[key];
    if (value !== undefined && (typeof value !== "string" || value.trim() === "")) {
      throw new ConfigurationError(
        `${label}: \`${key}\` must be a non-empty string, got ${describeValue(value)}.`,
      );
    }
  }
  if (
    candidate.metadata !== undefined &&
    (candidate.metadata === null ||
      typeof candidate.metadata !== "object" ||
      Array.isArray(candidate.metadata))
  ) {
    throw new ConfigurationError(
      `${label}: \`metadata\` must be a plain object, got ${describeValue(candidate.metadata)}.`,
    );
  }
  const signal = candidate.signal as { aborted?: unknown; addEventListener?: unknown } | undefined;
  if (
    signal !== undefined &&
    (typeof signal?.aborted !== "boolean" || typeof signal.addEventListener !== "function")
  ) {
    throw new ConfigurationError(
      `${label}: \`signal\` must be an AbortSignal, got ${describeValue(signal)}.`,
    );
  }
  if (candidate.budget !== undefined) validateBudget(label, candidate.budget);
  const timeout = candidate.timeout;
  if (timeout !== undefined && (typeof timeout !== "number" || !Number.isFinite(timeout) || timeout < 0)) {
    throw new ConfigurationError(
      `${label}: \`timeout\` must be a number of milliseconds (300000 is 5 minutes; 0 turns the deadline off), ` +
        `got ${describeValue(timeout)}.`,
    );
  }
}

function validateAdapter(label: string, adapter: unknown, index: number): void {
  if (adapter === null || typeof adapter !== "object") {
    throw new ConfigurationError(
      `${label}: agents[${index}] is ${describeValue(adapter)}, not an agent adapter. An adapter is an ` +
        `object with a \`role\` (AgentRole.AGENT, USER or JUDGE) and a \`call(input)\` method.`,
    );
  }
  const candidate = adapter as { role?: unknown; call?: unknown; specificationVersion?: unknown };
  const name = adapterDisplayName(adapter, index);
  if (typeof candidate.call !== "function") {
    throw new ConfigurationError(
      `${label}: agents[${index}] (${name}) has no call() method. Every adapter implements ` +
        `call(input) and returns its contribution (a string, messages, a judge result or null).`,
    );
  }
  if (typeof candidate.role !== "string" || !ROLES.has(candidate.role)) {
    throw new ConfigurationError(
      `${label}: agents[${index}] (${name}) has role ${describeValue(candidate.role)}; set \`role\` to ` +
        `AgentRole.AGENT (the agent under test), AgentRole.USER or AgentRole.JUDGE.`,
    );
  }
  if (
    candidate.specificationVersion !== undefined &&
    candidate.specificationVersion !== AGENT_SPECIFICATION_VERSION
  ) {
    throw new ConfigurationError(
      `${label}: agents[${index}] (${name}) implements the agent contract ` +
        `${describeValue(candidate.specificationVersion)}, but this @scenario/core speaks ` +
        `"${AGENT_SPECIFICATION_VERSION}". Upgrade @scenario/core or use a matching adapter version.`,
    );
  }
}

/** The name an adapter is shown by: `adapter.name`, else its class name, else its role. */
export function adapterDisplayName(adapter: unknown, fallback?: string | number): string {
  const candidate = adapter as { name?: unknown; role?: unknown; constructor?: { name?: unknown } } | null;
  if (typeof candidate?.name === "string" && candidate.name !== "") return candidate.name;
  const className = candidate?.constructor?.name;
  if (typeof className === "string" && className !== "" && className !== "Object") return className;
  if (typeof candidate?.role === "string" && candidate.role !== "") return candidate.role;
  return typeof fallback === "number" ? `agents[${fallback}]` : (fallback ?? "agent");
}
