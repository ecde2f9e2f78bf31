import type { AgentAdapter, CriterionVerdict, TokenUsage } from "./agent";
import type { ScenarioBudget } from "./cost";
import type { ModelMessage } from "./messages";
import type { ScriptStep } from "./script";
import type { AudioPlaybackOptions, VoiceAudioChunk, VoiceTimelineEvent } from "./voice";

/** The turn at which a run without a verdict gives up, when `maxTurns` is not set. */
export const DEFAULT_MAX_TURNS = 10;

/**
 * The deadline of a run without `timeout`, in milliseconds: 5 minutes. Long enough for a 10-turn
 * conversation with slow agents or a voice call, and longer than a participant's own model-call
 * budget (3 attempts × 60 s), so a hung provider is reported as a failed model call first.
 */
export const DEFAULT_SCENARIO_TIMEOUT_MS = 300_000;

/** The scenario set of a scenario without `setId`. */
export const DEFAULT_SCENARIO_SET_ID = "default";

/** The argument of `run()`: one scenario. Field names follow `@langwatch/scenario`. */
export interface ScenarioConfig {
  /** A human-readable name, shown in reports. */
  name: string;
  /** What happens in the scenario; the user simulator plays it and the judge reads it. */
  description: string;
  /** The participants: the agent under test and usually a user simulator and a judge. */
  agents: AgentAdapter[];
  /**
   * The steps to run. Without one the run is `[proceed()]`: the agents converse until a verdict
   * or `maxTurns`.
   */
  script?: ScriptStep[];
  /**
   * The turn at which the run gives up and fails without a verdict.
   * @default 10
   */
  maxTurns?: number;
  /**
   * Print each new message as it is added, coloured by role.
   * @default false
   */
  verbose?: boolean;
  /** A stable id for the scenario across runs. @default a slug of `name` */
  id?: string;
  /** The conversation's thread id. @default a fresh id per run */
  threadId?: string;
  /** Groups scenarios in reports. @default "default" */
  setId?: string;
  /** Free-form metadata, sent with the run-started event. */
  metadata?: Record<string, unknown>;
  /**
   * Pause before each user-simulator turn: Enter lets the simulator speak, typed text is sent as
   * the user message instead. For stepping through a scenario by hand.
   * @default false
   */
  debug?: boolean;
  /** Enables the LLM record/replay cache for this scenario: the key identifies its recordings. */
  cacheKey?: string;
  /** Cancels the run: it ends with status CANCELLED. */
  signal?: AbortSignal;
  /**
   * The run's deadline in milliseconds, from its start. A run still going then ends with status
   * ERROR, naming the step it was in ("timed out after 60 s in the judge (turn 3)"), and the call in
   * flight is aborted through `AgentInput.signal`. `0` turns the deadline off.
   * @default 300000 (DEFAULT_SCENARIO_TIMEOUT_MS)
   */
  timeout?: number;
  /**
   * Called for every chunk of audio the voice agent under test is sent or sends, in call order, with
   * its speaker and timestamp (the agent's once its reply ends, cut to what the caller heard). An
   * error it throws is reported once and never breaks the run.
   */
  onAudioChunk?: (chunk: VoiceAudioChunk) => void;
  /**
   * Called for every event of the voice call's timeline as it is recorded (speech started and
   * stopped, barge-ins with their outcome, transcripts, tool calls): the events
   * `artifacts.voice.timeline` holds. An error it throws is reported once and never breaks the run.
   */
  onVoiceEvent?: (event: VoiceTimelineEvent) => void;
  /**
   * Plays the voice call through the machine's speakers as it happens, both sides on one stream,
   * with sox's `play`, `ffplay` or `aplay` (found on PATH at run time). Refused when `CI` is set,
   * unless `{ force: true }`.
   * @default false
   */
  audioPlayback?: boolean | AudioPlaybackOptions;
  /**
   * Limits on the run's cost, tokens and duration, checked after every agent call: a run that goes
   * over one ends with status ERROR and names the budget and the figure reached.
   */
  budget?: ScenarioBudget;
}

/** How a run ended. The values match the LangWatch collector's. */
export type ScenarioRunStatus = "SUCCESS" | "FAILED" | "ERROR" | "CANCELLED";

/** Summed token usage of a run. */
export interface ScenarioUsage {
  /** Prompt tokens, all roles. */
  inputTokens: number;
  /** Completion tokens, all roles. */
  outputTokens: number;
  /** Both, all roles. */
  totalTokens: number;
  /** Prompt tokens served from a prompt cache (part of `inputTokens`), all roles; absent when none was reported. */
  cachedInputTokens?: number;
  /**
   * The run's cost in US dollars, present only when every role's cost is known (see `RoleUsage.costUsd`);
   * absent means "cost unknown", never zero.
   */
  costUsd?: number;
  /** The same counts per role (`User`, `Agent`, `Judge`) that reported any. */
  byRole: Partial<Record<"User" | "Agent" | "Judge", RoleUsage>>;
}

/** One role's summed usage in a run. */
export interface RoleUsage
  extends Required<Pick<TokenUsage, "inputTokens" | "outputTokens" | "totalTokens">> {
  /** Prompt tokens served from a prompt cache (part of `inputTokens`); absent when none was reported. */
  cachedInputTokens?: number;
  /**
   * The role's cost in US dollars, priced per call with cached input tokens at their own rate.
   * Absent when the run had no price table or a call's model has no known price ("cost unknown").
   */
  costUsd?: number;
}

/** The outcome of `run()`. Field names follow `@langwatch/scenario`. */
export interface ScenarioResult {
  /** This run's unique id (the `scenarioRunId` of its events). */
  runId: string;
  /** Whether the scenario passed. */
  success: boolean;
  /** How the run ended. */
  status: ScenarioRunStatus;
  /** Why it ended as it did. */
  reasoning?: string;
  /** Criteria met, inline checkpoints' first. */
  metCriteria: string[];
  /** Criteria not met. */
  unmetCriteria: string[];
  /** Per-criterion verdicts with reasoning, when the judge gave them. */
  criteria?: CriterionVerdict[];
  /** The whole conversation. */
  messages: ModelMessage[];
  /** Milliseconds from the start of the run to the verdict. */
  totalTime: number;
  /** Milliseconds spent inside calls of the agent under test (role `Agent`) only. */
  agentTime: number;
  /** The error message, when the run ended with status ERROR. */
  error?: string;
  /** Tokens used, summed per role, with their cost when the models' prices are known. */
  usage: ScenarioUsage;
  /**
   * Results attached by adapters and steps, by key: a voice call's recording, timeline and
   * latency, for example. Empty when nothing was attached.
   */
  artifacts: Record<string, unknown>;
}
