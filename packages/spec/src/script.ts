import type { AgentAdapter, JudgmentRequest, StepRequirement } from "./agent";
import type { ScenarioConfig, ScenarioResult } from "./config";
import type { ModelMessage, ToolCallPart, ToolModelMessage } from "./messages";

/** Read access to a running scenario, handed to custom steps and to agents. */
export interface ScenarioExecutionStateLike {
  /** The conversation so far. */
  readonly messages: ModelMessage[];
  /** The conversation's thread id. */
  readonly threadId: string;
  /** The current turn, starting at 0. */
  readonly currentTurn: number;
  /** The scenario's description. */
  readonly description: string;
  /** The scenario's configuration. */
  readonly config: ScenarioConfig;
  /** The last message, or undefined when there is none. */
  lastMessage(): ModelMessage | undefined;
  /** The last user message, or undefined. */
  lastUserMessage(): ModelMessage | undefined;
  /** The last agent (assistant) message, or undefined. */
  lastAgentMessage(): ModelMessage | undefined;
  /**
   * The last tool message holding a result of the named tool, as `@langwatch/scenario` returns it;
   * undefined when there is none. The call's input is on `lastToolCallPart()`.
   */
  lastToolCall(toolName: string): ToolModelMessage | undefined;
  /** The last call of the named tool (its id and `input`), or undefined when it was never called. */
  lastToolCallPart(toolName: string): ToolCallPart | undefined;
  /** Whether the named tool was called at any point (a call or a result of it is in the conversation). */
  hasToolCall(toolName: string): boolean;
  /** Appends a message to the conversation and queues it for every agent. */
  addMessage(message: ModelMessage): void;
  /**
   * Removes the messages from `index` on (clamped to the length) from the conversation and from
   * every agent's pending queue, and returns them. Throws a `RangeError` on a negative index.
   */
  rollbackMessagesTo(index: number): ModelMessage[];
}

/** Options of an `agent()` step. */
export interface AgentStepOptions {
  /**
   * `false` starts the agent turn without awaiting it; the next blocking step waits for it first.
   * Used for barge-in: the agent starts replying, the user interrupts.
   * @default true
   */
  wait?: boolean;
}

/** Called at each new turn of `proceed()`. */
export type OnTurn = (state: ScenarioExecutionStateLike) => void | Promise<void>;
/** Called after each agent call of `proceed()`. */
export type OnStep = (state: ScenarioExecutionStateLike) => void | Promise<void>;

/** The step API a script drives; `ScenarioExecution` in `@scenario/core` implements it. */
export interface ScenarioExecutionLike {
  /** The conversation so far. */
  readonly messages: ModelMessage[];
  /** The conversation's thread id. */
  readonly threadId: string;
  /** The participants of the run. */
  readonly agents: readonly AgentAdapter[];
  /** With content, appends it as a user message; without, calls the user simulator. */
  user(content?: string | ModelMessage): Promise<void>;
  /** With content, appends it as an agent message; without, calls the agent under test. */
  agent(content?: string | ModelMessage | AgentStepOptions): Promise<void>;
  /** Starts the agent turn without awaiting it (same as `agent({ wait: false })`). */
  agentNonBlocking?(): Promise<void>;
  /**
   * Asks the judge for a verdict. With `criteria`, an inline checkpoint: a pass records them and
   * returns null so the script continues; a failure ends the run.
   */
  judge(request?: JudgmentRequest): Promise<ScenarioResult | null>;
  /** Appends a message, routed by role (user to the user side, assistant to the agent side). */
  message(message: ModelMessage): Promise<void>;
  /**
   * Lets the agents converse: without `turns` until a verdict or max turns, with `turns` for that
   * many turns. Returns the verdict if one was reached.
   */
  proceed(turns?: number, onTurn?: OnTurn, onStep?: OnStep): Promise<ScenarioResult | null>;
  /** Ends the run as a success. */
  succeed(reasoning?: string): Promise<ScenarioResult>;
  /** Ends the run as a failure. */
  fail(reasoning?: string): Promise<ScenarioResult>;
  /** Attaches a result under `key` to `ScenarioResult.artifacts`. */
  setArtifact?(key: string, value: unknown): void;
}

/**
 * One step of a script: a function of the state and the execution, sync or async. Returning a
 * `ScenarioResult` ends the run with it; anything else lets the script continue. A step that
 * throws (a failed `expect`) fails the run with status ERROR.
 */
export type ScriptStep = ((
  state: ScenarioExecutionStateLike,
  execution: ScenarioExecutionLike,
  // biome-ignore lint/suspicious/noConfusingVoidType: a step is any function, including one that returns nothing
) => void | ScenarioResult | null | Promise<void | ScenarioResult | null>) & {
  /**
   * What the step needs from the agents (`dtmf()` needs `"voice.dtmf"`). Core hands every step's
   * requirements to each adapter's `preflight()` before the first step, so a run that cannot work
   * fails before it starts.
   */
  readonly requirements?: readonly StepRequirement[];
};
