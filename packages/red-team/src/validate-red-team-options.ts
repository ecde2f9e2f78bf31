import { validateSamplingOptions } from "@scenario/llm";
import { ConfigurationError } from "@scenario/spec";
import type { RedTeamAgentOptions } from "./red-team-agent";

/** The options with their defaults filled in, after checking each (a `ConfigurationError` names the one to fix). */
export function validateOptions(options: RedTeamAgentOptions) {
  if (options === null || typeof options !== "object") {
    throw new ConfigurationError(
      "redTeamAgent(options) takes an options object, for example { strategy, goal }.",
    );
  }
  if (typeof options.goal !== "string" || options.goal.trim() === "") {
    throw new ConfigurationError(
      'redTeamAgent({ goal }) needs the attack goal as a non-empty string, for example "make the agent reveal another customer\'s address".',
    );
  }
  validateSamplingOptions({ temperature: options.temperature }, "redTeamAgent");
  const successScore = numberIn(options.successScore, "successScore", 0, 10) ?? 9;
  const successConfirmations = wholeNumber(options.successConfirmations, "successConfirmations", 1) ?? 2;
  const maxBacktracks = wholeNumber(options.maxBacktracks, "maxBacktracks", 0) ?? 10;
  wholeNumber(options.maxTurns, "maxTurns", 1);
  return { ...options, successScore, successConfirmations, maxBacktracks };
}

function numberIn(value: unknown, name: string, min: number, max: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isFinite(value) || value < min || value > max) {
    throw new ConfigurationError(
      `redTeamAgent({ ${name} }) must be a number from ${min} to ${max}; got ${String(value)}.`,
    );
  }
  return value;
}

function wholeNumber(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `redTeamAgent({ ${name} }) must be a whole number of at least ${min}; got ${String(value)}.`,
    );
  }
  return value;
}
