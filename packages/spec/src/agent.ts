import type { ScenarioConfig } from "./config";
import type { ModelMessage } from "./messages";
import type { ScenarioExecutionStateLike } from "./script";

/**
 * The version of the agent adapter contract this package describes. Adapters declare the version
 * they implement, so a later contract can be added beside this one without breaking them.
 */
export const AGENT_SPECIFICATION_VERSION = "scenario.agent.v1" as const;

/** The agent contract versions a core release may accept. */
export type AgentSpecificationVersion = typeof AGENT_SPECIFICATION_VERSION;

/**
 * The part an agent plays in a scenario. The string values match `@langwatch/scenario`'s
 * TypeScript API, so adapters written for it keep working.
 */
export enum AgentRole {
  /** Speaks for the user: the user simulator. */
  USER = "User",
  /** The agent under test. */
  AGENT = "Agent",
  /** Checks the criteria and ends the run with a verdict. */
  JUDGE = "Judge",
}

/** Token counts for one model call, named as the AI SDK names them so its `usage` passes as is. */
export interface TokenUsage {
  /** Prompt tokens. */
  inputTokens?: number | undefined;
  /** Completion tokens. */
  outputTokens?: number | undefined;
  /** Prompt plus completion tokens; computed from the two when absent. */
  totalTokens?: number | undefined;
  /** Prompt tokens served from the provider's prompt cache, when reported. */
  cachedInputTokens?: number | undefined;
  /**
   * The model that answered (`gpt-4.1-mini`), so the call can be priced. Adapters set it when they
   * know it; without it the call's tokens count but its cost is unknown.
   */
  modelId?: string | undefined;
  /** The model's provider (`openai`, or the AI SDK's `openai.responses`), to pick the right price. */
  provider?: string | undefined;
}

/**
 * What the executor asks of the judge. Its presence on an `AgentInput` means a verdict is
 * required now (a `judge()` step, an inline checkpoint): the judge may not answer "continue".
 */
export interface JudgmentRequest {
  /**
   * Criteria for an inline checkpoint. When set, the judge checks these instead of its own and
   * the run continues if they all pass.
   */
  criteria?: string[];
}

/**
 * The judge's tools: `continue_test` lets the conversation go on, `finish_test` gives a verdict per
 * criterion. Fakes and proxies that play or inspect the judge match on these names.
 */
export const JUDGE_TOOL_NAMES = { continue: "continue_test", finish: "finish_test" } as const;

/**
 * A participant that declares the criteria it checks. A judge implements it (`judgeAgent()` does), so
 * a run that ends without a verdict (at `maxTurns`, or a script without `judge()`) can list those
 * criteria as unmet. Core reads the criteria through this contract only, never by searching the
 * adapter for a field.
 */
export interface CriteriaProvider {
  /** The criteria, verbatim, in the order they are checked. */
  readonly criteria: readonly string[];
}

/** Whether `value` declares its criteria: a `criteria` array made only of strings. */
export function isCriteriaProvider(value: unknown): value is CriteriaProvider {
  if (value === null || (typeof value !== "object" && typeof value !== "function")) return false;
  const criteria: unknown = (value as { criteria?: unknown }).criteria;
  return Array.isArray(criteria) && criteria.every((criterion) => typeof criterion === "string");
}

/** A judge's verdict on one criterion. */
export interface CriterionVerdict {
  /** The criterion, verbatim. */
  criterion: string;
  /** `inconclusive` means not enough evidence yet; it counts as unmet when a verdict is forced. */
  verdict: "met" | "unmet" | "inconclusive";
  /** Why the judge decided so. */
  reasoning: string;
}

/**
 * The verdict a judge returns. Returning one ends the run (or, for an inline checkpoint, records
 * it and lets the script go on).
 */
export interface JudgeResult {
  /** Whether every criterion was met. */
  success: boolean;
  /** The judge's overall explanation. */
  reasoning: string;
  /** Criteria judged met. */
  metCriteria: string[];
  /** Criteria judged unmet (inconclusive ones included once a verdict is forced). */
  unmetCriteria: string[];
  /** Per-criterion verdicts with reasoning, when the judge provides them. */
  criteria?: CriterionVerdict[];
  /** An error that prevented judging (the run then ends with status ERROR). */
  error?: string;
}

/**
 * What an agent may return from `call()`:
 * - a string: one message of the caller's side (`user` for the user role, `assistant` otherwise);
 * - one message or an array of messages: appended as given;
 * - a `JudgeResult`: ends (or checkpoints) the run;
 * - `null` or an empty array: nothing to add this turn (a judge that lets the run continue).
 */
export type AgentReturn = string | ModelMessage | ModelMessage[] | JudgeResult | null;

/**
 * One piece of a reply as it is written (`AgentAdapter.stream()`):
 * - `text-delta`: the next piece of the answer's text, as the model writes it;
 * - `message`: a message once it is complete (a tool call, a tool result, the final answer). An
 *   assistant message repeats the text its deltas already carried: show or speak the deltas, keep
 *   the messages.
 */
export type AgentStreamPart =
  | {
      /** The next piece of text. */
      type: "text-delta";
      /** The text, to append to what came before. */
      text: string;
    }
  | {
      /** A complete message of the reply. */
      type: "message";
      /** The message, as `call()` would return it. */
      message: ModelMessage;
    };

/** When a participant means to barge in on the agent's reply, in milliseconds of that reply. */
export interface InterruptionPlan {
  /** Interrupt after this many milliseconds of the agent's reply (audio heard, for voice). */
  afterMs: number;
}

/**
 * A participant that plans barge-ins on the agent under test, as the voice user simulator does.
 * Before each call of the agent under test, core asks the first participant that implements it and
 * hands the plan over as `AgentInput.interruptionPlan`, so the agent never searches for it.
 */
export interface InterruptionPlanner {
  /**
   * Whether, and when, to barge in on the agent's reply in turn `turn`; null for no barge-in.
   * Deterministic for a given turn, so a rerun interrupts at the same moments.
   */
  planInterruption(context: { turn: number }): InterruptionPlan | null | undefined;
}

/** True for participants that plan barge-ins (`InterruptionPlanner`). */
export function isInterruptionPlanner(agent: unknown): agent is InterruptionPlanner {
  return (
    typeof agent === "object" &&
    agent !== null &&
    typeof (agent as Partial<InterruptionPlanner>).planInterruption === "function"
  );
}

/**
 * Something a script step needs from the agents, declared on the step (`ScriptStep.requirements`)
 * so a run can fail before its first step instead of halfway through a call.
 */
export interface StepRequirement {
  /**
   * The capability, namespaced by the contract that defines it: `"voice.dtmf"`, `"voice.textInput"`.
   * An adapter checks the names it knows and ignores the others.
   */
  capability: string;
  /** The step that needs it, for the error message: `"dtmf()"`. */
  step: string;
}

/** What `preflight()` is handed. */
export interface AgentPreflightContext {
  /** Every requirement of the script's steps, in step order (duplicates kept). */
  requirements: readonly StepRequirement[];
}

/** Everything an agent sees when it is called. */
export interface AgentInput {
  /** The conversation's thread id, stable for the run. */
  threadId: string;
  /** The whole conversation so far. */
  messages: ModelMessage[];
  /** The messages added by others since this agent was last called (exactly those, in order). */
  newMessages: ModelMessage[];
  /** The role this agent is asked to play on this call. */
  requestedRole: AgentRole;
  /** Set when a verdict is required now; see `JudgmentRequest`. */
  judgmentRequest?: JudgmentRequest;
  /** Read access to the run's state (turn, helpers such as `lastToolCall`). */
  scenarioState: ScenarioExecutionStateLike;
  /** The scenario's configuration. */
  scenarioConfig: ScenarioConfig;
  /**
   * Reports the tokens a model call of this agent used, summed per role into
   * `ScenarioResult.usage`. Pass the AI SDK's `usage` object directly.
   */
  recordUsage(usage: TokenUsage): void;
  /** Aborted when the run is cancelled; pass it on to model calls and sockets. */
  signal?: AbortSignal;
  /**
   * For the agent under test: a participant's plan to barge in on this turn's reply (see
   * `InterruptionPlanner`). Adapters that can be interrupted honour it; others ignore it.
   */
  interruptionPlan?: InterruptionPlan;
  /**
   * For a user participant that speaks scripted lines (`ScriptedLineSpeaker`): the text of the
   * `user("text")` step being played, to be said as given rather than invented.
   */
  scriptedLine?: string;
}

/**
 * A user participant that speaks a script's `user("text")` lines itself, as a realtime voice model
 * playing the caller does: core calls it with `AgentInput.scriptedLine` and appends what it returns
 * (the line as spoken, with its audio) instead of appending the bare text.
 */
export interface ScriptedLineSpeaker {
  /** Declares the contract. */
  readonly speaksScriptedLines: true;
}

/** True for participants that speak scripted lines themselves (`ScriptedLineSpeaker`). */
export function isScriptedLineSpeaker(agent: unknown): agent is ScriptedLineSpeaker {
  return (
    typeof agent === "object" &&
    agent !== null &&
    (agent as Partial<ScriptedLineSpeaker>).speaksScriptedLines === true
  );
}

/** Context handed to `connect()`. */
export interface AgentConnectContext {
  /** The scenario's configuration. */
  scenarioConfig: ScenarioConfig;
  /** The run's thread id. */
  threadId: string;
  /** Aborted when the run is cancelled. */
  signal?: AbortSignal;
}

/**
 * The contract every participant implements: the agent under test, the user simulator, the judge,
 * and voice adapters. Third parties can implement it with `@scenario/spec` alone.
 */
export interface AgentAdapter {
  /** The contract version this adapter implements. Omit for `scenario.agent.v1`. */
  readonly specificationVersion?: AgentSpecificationVersion;
  /** The role the adapter plays. */
  role: AgentRole;
  /** A display name, used in errors and logs. Defaults to the class or object name. */
  name?: string;
  /** Produces this agent's contribution to the conversation. */
  call(input: AgentInput): Promise<AgentReturn> | AgentReturn;
  /**
   * Produces the same reply as `call()`, piece by piece while it is written, for consumers that act
   * on a reply before it is complete (`composableAgent()` speaks it sentence by sentence). Core never
   * calls it: a turn is always `call()`. Ending early (a `break`, an abort of `input.signal`) stops
   * the reply. Failures reject the iteration as `call()` would throw.
   */
  stream?(input: AgentInput): AsyncIterable<AgentStreamPart>;
  /**
   * Checks, before anything connects, that the adapter can do what the script's steps need; throws
   * a `ScenarioError` naming the adapter and the missing capability (`VoiceUnsupportedError`).
   * Core calls it once per adapter before the first step, even when the script declares nothing.
   */
  preflight?(context: AgentPreflightContext): Promise<void> | void;
  /** Opens what the adapter needs (a socket, a session). Runs before the first script step. */
  connect?(context: AgentConnectContext): Promise<void> | void;
  /**
   * Stops the reply in flight (barge-in): the pending `call()` should return promptly with what was
   * produced so far. When a non-blocking agent turn is in flight, a `user()` step calls this before
   * it waits for the turn, so the user interrupts rather than waiting politely. Adapters that
   * cannot interrupt leave it out, and the user step waits for the reply to finish.
   */
  interrupt?(): Promise<unknown> | unknown;
  /** Releases it. Always runs at the end of a run, after errors too; a failure here is only logged. */
  disconnect?(): Promise<void> | void;
  /**
   * Results to attach to `ScenarioResult.artifacts` (a call recording, latency metrics). Called once
   * at the end of the run, before `disconnect()`.
   */
  collectArtifacts?(): Promise<Record<string, unknown>> | Record<string, unknown>;
}
