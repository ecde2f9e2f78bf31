import { ConfigurationError, type CriterionVerdict, JUDGE_TOOL_NAMES } from "@scenario/spec";
import type {
  FakeMessage,
  FakeModelRequest,
  FakeReply,
  FakeReplyFunction,
  FakeTool,
} from "./fake-openai-types";

/** A verdict on one criterion, as the `finish_test` tool takes it. */
export type FakeCriterionVerdict = CriterionVerdict["verdict"];

/**
 * What the fake judge does on a request: `"continue"` (call `continue_test`) or finish (call
 * `finish_test`) with verdicts keyed by the exact criterion text. Criteria left out get
 * `defaultVerdict`.
 */
export type FakeJudgeDecision =
  | "continue"
  | {
      /**
       * Call one of the other tools the judge offers first (`expand_trace`, `grep_trace` of a
       * trace-reading judge); its result comes back in the next request's `toolResults`.
       */
      callTool: { name: string; arguments: Record<string, unknown> };
    }
  | {
      /** Verdicts by criterion text, with optional per-criterion reasoning. */
      verdicts?: Record<string, FakeCriterionVerdict | { verdict: FakeCriterionVerdict; reasoning?: string }>;
      /** The verdict of criteria not in `verdicts`. @default "met" */
      defaultVerdict?: FakeCriterionVerdict;
      /** The overall reasoning. @default a summary of the verdicts */
      reasoning?: string;
    };

/** What a `decide` function sees. */
export interface FakeJudgeContext {
  /** The criteria, read from the `finish_test` tool's schema enum, in its order. */
  criteria: string[];
  /** The conversation the judge was sent. */
  messages: FakeMessage[];
  /** True when the tool choice forces `finish_test`: a `"continue"` is then turned into a verdict. */
  forced: boolean;
  /**
   * The agent's trace digest the judge sent (the text inside `<agent_trace>`), or undefined when
   * its prompt has none (a judge without `traces: true`).
   */
  trace: string | undefined;
  /** The results of the tools the judge already called in this judgement (`callTool`), in order. */
  toolResults: Array<{ name: string; content: string }>;
  /** The whole request. */
  request: FakeModelRequest;
}

/** Options of `judgeBehaviour()`. */
export interface JudgeBehaviourOptions {
  /**
   * Decides each request. By default the judge continues until the agent under test has replied
   * (an assistant message, or an `Agent: ` line in a transcript), then finds every criterion met.
   */
  decide?: (context: FakeJudgeContext) => FakeJudgeDecision | Promise<FakeJudgeDecision>;
}

const FINISH_TEST = JUDGE_TOOL_NAMES.finish;
const CONTINUE_TEST = JUDGE_TOOL_NAMES.continue;

function criteriaOf(tool: FakeTool): string[] {
  const properties = tool.parameters.properties as Record<string, unknown> | undefined;
  const verdicts = properties?.verdicts as
    | { items?: { properties?: { criterion?: { enum?: unknown } } } }
    | undefined;
  const criteria = verdicts?.items?.properties?.criterion?.enum;
  return Array.isArray(criteria)
    ? criteria.filter((criterion): criterion is string => typeof criterion === "string")
    : [];
}

// Scenario's judge sends the conversation as a transcript inside one user message ("Agent: …"
// lines); other judges send it as chat messages. Either way, the agent has replied once an agent
// line or an assistant message is there.
const AGENT_LINE = /^Agent: /m;

function defaultDecide(context: FakeJudgeContext): FakeJudgeDecision {
  const agentReplied = context.messages.some(
    (message) =>
      message.role === "assistant" || (message.role === "user" && AGENT_LINE.test(message.content)),
  );
  return agentReplied ? {} : "continue";
}

const AGENT_TRACE = /<agent_trace>\n?([\s\S]*?)\n?<\/agent_trace>/;

function traceOf(messages: FakeMessage[]): string | undefined {
  for (const message of messages) {
    if (message.role !== "user") continue;
    const match = AGENT_TRACE.exec(message.content);
    if (match) return match[1];
  }
  return undefined;
}

function toolResultsOf(messages: FakeMessage[]): Array<{ name: string; content: string }> {
  const names = new Map<string, string>();
  const results: Array<{ name: string; content: string }> = [];
  for (const message of messages) {
    if (message.role === "assistant") for (const call of message.toolCalls) names.set(call.id, call.name);
    if (message.role === "tool") {
      results.push({ name: names.get(message.toolCallId) ?? "unknown", content: message.content });
    }
  }
  return results;
}

function finishReply(
  criteria: string[],
  decision: Exclude<FakeJudgeDecision, "continue" | { callTool: unknown }>,
): FakeReply {
  const known = new Set(criteria);
  for (const criterion of Object.keys(decision.verdicts ?? {})) {
    if (!known.has(criterion)) {
      throw new ConfigurationError(
        `judgeBehaviour: decide() gave a verdict for ${JSON.stringify(criterion)}, which is not one of the criteria in the finish_test schema: ${JSON.stringify(criteria)}. Use the exact criterion text.`,
      );
    }
  }
  const verdicts = criteria.map((criterion) => {
    const given = decision.verdicts?.[criterion];
    const verdict = typeof given === "object" ? given.verdict : (given ?? decision.defaultVerdict ?? "met");
    const reasoning =
      (typeof given === "object" ? given.reasoning : undefined) ??
      `The fake judge found this criterion ${verdict}.`;
    return { criterion, verdict, reasoning };
  });
  const met = verdicts.filter((entry) => entry.verdict === "met").length;
  const reasoning = decision.reasoning ?? `The fake judge found ${met} of ${verdicts.length} criteria met.`;
  return { toolCalls: [{ name: FINISH_TEST, arguments: { verdicts, reasoning } }] };
}

/**
 * A ready-made judge for the fake server that honours the judge's tools: it reads the criteria
 * from the `finish_test` tool's schema, calls `finish_test` whenever the tool choice forces it,
 * and otherwise follows `decide` (call `continue_test`, or `finish_test` with per-criterion
 * verdicts). A request without a `finish_test` tool fails (HTTP 500) with a message saying so.
 */
export function judgeBehaviour(options: JudgeBehaviourOptions = {}): FakeReplyFunction {
  const decide = options.decide ?? defaultDecide;
  return async (request) => {
    const finishTool = request.tools.find((tool) => tool.name === FINISH_TEST);
    if (finishTool === undefined) {
      throw new ConfigurationError(
        `judgeBehaviour: the request offers no ${FINISH_TEST} tool (tools: ${JSON.stringify(request.tools.map((tool) => tool.name))}). Route only judge requests to it, e.g. with scenarioBehaviour({ judge }).`,
      );
    }
    const criteria = criteriaOf(finishTool);
    const offersContinue = request.tools.some((tool) => tool.name === CONTINUE_TEST);
    const choice = request.toolChoice;
    const forced =
      (typeof choice === "object" && choice.toolName === FINISH_TEST) ||
      (choice === "required" && !offersContinue);
    const decision = await decide({
      criteria,
      messages: request.messages,
      forced,
      trace: traceOf(request.messages),
      toolResults: toolResultsOf(request.messages),
      request,
    });
    if (typeof decision === "object" && "callTool" in decision) {
      const { name } = decision.callTool;
      if (!request.tools.some((tool) => tool.name === name) || typeof choice === "object") {
        throw new ConfigurationError(
          `judgeBehaviour: decide() asked to call ${JSON.stringify(name)}, but the request does not allow it (tools: ${JSON.stringify(request.tools.map((tool) => tool.name))}, tool choice: ${JSON.stringify(choice)}).`,
        );
      }
      return { toolCalls: [{ name, arguments: decision.callTool.arguments }] };
    }
    if (decision !== "continue") return finishReply(criteria, decision);
    if (forced) {
      return finishReply(criteria, {
        defaultVerdict: "inconclusive",
        reasoning: "A verdict was forced before the fake judge had enough evidence.",
      });
    }
    if (!offersContinue) {
      throw new ConfigurationError(
        `judgeBehaviour: decide() said "continue" but the request offers no ${CONTINUE_TEST} tool.`,
      );
    }
    return { toolCalls: [{ name: CONTINUE_TEST, arguments: {} }] };
  };
}
