import { ConfigurationError, type ModelMessage, type ScenarioResult } from "@scenario/spec";
import { criteriaOf, formatScenarioResult, formatTranscriptTail } from "./format-scenario-result";
import { recordedTurns } from "./run-registry";

/** What a matcher is given as `this` by vitest's `expect.extend` (the part these matchers use). */
export interface ScenarioMatcherContext {
  /** True under `.not`. */
  isNot: boolean;
  /** vitest's deep equality, asymmetric matchers (`expect.objectContaining`) included. */
  equals(actual: unknown, expected: unknown): boolean;
}

/** What a matcher returns to vitest. */
export interface ScenarioMatcherResult {
  /** Whether the assertion holds (before `.not` is applied). */
  pass: boolean;
  /** The failure message; vitest calls it only when the assertion fails. */
  message: () => string;
  /** Shown as "received" in a diff. */
  actual?: unknown;
  /** Shown as "expected" in a diff. */
  expected?: unknown;
}

/** The limits `toHaveEndedWithin` checks. */
export interface EndedWithinLimits {
  /** The most turns the run may have taken. */
  turns: number;
}

/** A tool call found in a conversation. */
interface FoundToolCall {
  toolName: string;
  input: unknown;
}

/**
 * The matchers on a `ScenarioResult`, for `expect.extend(scenarioMatchers)` (the
 * `@scenario/vitest/setup` entry registers them). Each failure message carries the verdict, every
 * unmet criterion with the judge's reasoning and the last messages of the conversation.
 */
export const scenarioMatchers = {
  /** The run succeeded: `expect(result).toPass()`. */
  toPass(this: ScenarioMatcherContext, received: unknown): ScenarioMatcherResult {
    const result = asResult(received, "toPass");
    return {
      pass: result.success,
      message: () =>
        this.isNot
          ? `expected the scenario not to pass, but it passed\n\n${formatScenarioResult(result)}`
          : `expected the scenario to pass, but it ended with ${result.status}\n\n${formatScenarioResult(result)}`,
    };
  },

  /** Every given criterion is among the met ones: `expect(result).toHaveMetCriteria(["…"])`. */
  toHaveMetCriteria(
    this: ScenarioMatcherContext,
    received: unknown,
    criteria: readonly string[],
  ): ScenarioMatcherResult {
    const result = asResult(received, "toHaveMetCriteria");
    if (!Array.isArray(criteria) || criteria.some((criterion) => typeof criterion !== "string")) {
      throw new ConfigurationError(
        'toHaveMetCriteria(criteria) takes an array of criterion texts, e.g. toHaveMetCriteria(["The agent apologises"]).',
      );
    }
    const met = new Set(result.metCriteria);
    const missing = criteria.filter((criterion) => !met.has(criterion));
    const known = new Set(criteriaOf(result).map((entry) => entry.criterion));
    const notJudged = missing.filter((criterion) => !known.has(criterion));
    return {
      pass: missing.length === 0,
      actual: result.metCriteria,
      expected: criteria,
      message: () => {
        if (this.isNot) {
          return `expected some of these criteria to be unmet, but all were met: ${list(criteria)}\n\n${formatScenarioResult(result)}`;
        }
        const unjudged =
          notJudged.length > 0
            ? `\nNot among the judge's criteria (check the exact text): ${list(notJudged)}`
            : "";
        return `expected the scenario to have met ${list(missing)}${unjudged}\n\n${formatScenarioResult(result)}`;
      },
    };
  },

  /**
   * The agent called a tool, with arguments equal to `args` when given (asymmetric matchers such
   * as `expect.objectContaining({ orderId: "1042" })` work): `expect(result).toHaveCalledTool("refund")`.
   */
  toHaveCalledTool(
    this: ScenarioMatcherContext,
    received: unknown,
    toolName: string,
    args?: unknown,
  ): ScenarioMatcherResult {
    const result = asResult(received, "toHaveCalledTool");
    if (typeof toolName !== "string" || toolName === "") {
      throw new ConfigurationError(
        'toHaveCalledTool(name, args?) needs the tool name, e.g. toHaveCalledTool("refund").',
      );
    }
    const calls = toolCallsOf(result.messages);
    const named = calls.filter((call) => call.toolName === toolName);
    const withArgs = args === undefined ? named : named.filter((call) => this.equals(call.input, args));
    const what = args === undefined ? `"${toolName}"` : `"${toolName}" with ${json(args)}`;
    return {
      pass: withArgs.length > 0,
      message: () => {
        const made =
          calls.length === 0
            ? "The agent called no tool."
            : `Tool calls made:\n${calls.map((call) => `  ${call.toolName}(${json(call.input)})`).join("\n")}`;
        const transcript = formatTranscriptTail(result.messages).join("\n");
        return this.isNot
          ? `expected the agent not to call ${what}, but it did\n\n${made}\n\n${transcript}`
          : `expected the agent to call ${what}\n\n${made}\n\n${transcript}`;
      },
    };
  },

  /**
   * The run took at most `turns` turns: `expect(result).toHaveEndedWithin({ turns: 3 })`. Runs of
   * `scenario.test` are counted as the executor counted them; other runs by their user messages.
   */
  toHaveEndedWithin(
    this: ScenarioMatcherContext,
    received: unknown,
    limits: EndedWithinLimits,
  ): ScenarioMatcherResult {
    const result = asResult(received, "toHaveEndedWithin");
    if (
      typeof limits !== "object" ||
      limits === null ||
      !Number.isInteger(limits.turns) ||
      limits.turns < 0
    ) {
      throw new ConfigurationError(
        "toHaveEndedWithin(limits) takes { turns: n } with a whole number n, e.g. toHaveEndedWithin({ turns: 3 }).",
      );
    }
    const recorded = recordedTurns(result.runId);
    const turns = recorded ?? result.messages.filter((message) => message.role === "user").length;
    const counted = recorded === undefined ? " (counted by user messages)" : "";
    return {
      pass: turns <= limits.turns,
      actual: turns,
      expected: limits.turns,
      message: () =>
        this.isNot
          ? `expected the scenario to take more than ${limits.turns} turns, but it took ${turns}${counted}`
          : `expected the scenario to end within ${limits.turns} turns, but it took ${turns}${counted}\n\n${formatScenarioResult(result)}`,
    };
  },
};

/** The assertions `scenarioMatchers` add to vitest's `expect`. */
export interface ScenarioMatchers<R = unknown> {
  /** The run succeeded; a failure shows the verdict, the unmet criteria with reasoning and the transcript. */
  toPass(): R;
  /** Every given criterion (exact text) was met. */
  toHaveMetCriteria(criteria: readonly string[]): R;
  /** The agent called `toolName`, with arguments equal to `args` when given. */
  toHaveCalledTool(toolName: string, args?: unknown): R;
  /** The run took at most `limits.turns` turns. */
  toHaveEndedWithin(limits: EndedWithinLimits): R;
}

function asResult(received: unknown, matcher: string): ScenarioResult {
  const candidate = received as Partial<ScenarioResult> | null;
  if (
    typeof candidate !== "object" ||
    candidate === null ||
    typeof candidate.success !== "boolean" ||
    !Array.isArray(candidate.messages) ||
    !Array.isArray(candidate.metCriteria) ||
    !Array.isArray(candidate.unmetCriteria)
  ) {
    throw new ConfigurationError(
      `${matcher}() expects the ScenarioResult that run() or runScenario() resolves with, got ${describe(received)}. ` +
        "Did you forget to await the run?",
    );
  }
  return candidate as ScenarioResult;
}

function toolCallsOf(messages: readonly ModelMessage[]): FoundToolCall[] {
  const calls: FoundToolCall[] = [];
  for (const message of messages) {
    if (message.role !== "assistant" || !Array.isArray(message.content)) continue;
    for (const part of message.content as Array<{ type: string; toolName?: unknown; input?: unknown }>) {
      if (part.type === "tool-call" && typeof part.toolName === "string") {
        calls.push({ toolName: part.toolName, input: part.input });
      }
    }
  }
  return calls;
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (value instanceof Promise) return "a Promise";
  if (Array.isArray(value)) return "an array";
  return typeof value;
}

function list(criteria: readonly string[]): string {
  return criteria.map((criterion) => JSON.stringify(criterion)).join(", ");
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}
