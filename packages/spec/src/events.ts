import type { CriterionVerdict } from "./agent";
import type { ScenarioRunStatus, ScenarioUsage } from "./config";
import type { JSONValue } from "./messages";

/**
 * Event type names. They match the LangWatch collector's, so the HTTP reporter posts events as
 * they are.
 */
export const ScenarioEventType = {
  RUN_STARTED: "SCENARIO_RUN_STARTED",
  MESSAGE_SNAPSHOT: "SCENARIO_MESSAGE_SNAPSHOT",
  RUN_FINISHED: "SCENARIO_RUN_FINISHED",
} as const;

/** One of the event type names. */
export type ScenarioEventType = (typeof ScenarioEventType)[keyof typeof ScenarioEventType];

/** Fields every event carries. */
export interface ScenarioEventBase {
  /** Milliseconds since the Unix epoch when the event was emitted. */
  timestamp: number;
  /**
   * Groups every run of one process (or one CI job). From `SCENARIO_BATCH_RUN_ID` when set,
   * otherwise `batch-run-<uuid>`, one per process.
   */
  batchRunId: string;
  /** Unique per run. Equals `ScenarioResult.runId`. */
  scenarioRunId: string;
  /** Stable across runs of the same scenario: its `id`, or a slug of its name. */
  scenarioId: string;
  /** The scenario set. @default "default" */
  scenarioSetId: string;
  /**
   * A stable id of this event, so a collector can drop a resent copy: core sets a unique one on
   * every event it emits, and a resend carries the same id. Optional: for an event without one
   * (from another emitter), the HTTP reporter derives it from the event's content before spooling.
   */
  eventId?: string;
}

/** A run began. */
export interface ScenarioRunStartedEvent extends ScenarioEventBase {
  type: typeof ScenarioEventType.RUN_STARTED;
  /** The scenario's name and description, plus its user metadata (except keys of those names). */
  metadata: { name: string; description: string; [key: string]: unknown };
}

/** A tool call in a snapshot message (AG-UI shape). */
export interface SnapshotToolCall {
  /** The call id. */
  id: string;
  /** Always `function`. */
  type: "function";
  /** The tool and its arguments as a JSON string. */
  function: { name: string; arguments: string };
}

/**
 * A message of a snapshot, in the AG-UI shape the LangWatch collector reads: flat text content,
 * tool calls on assistant messages, tool results as `tool` messages with `toolCallId`.
 */
export type SnapshotMessage =
  | { id: string; role: "user"; content: string }
  | { id: string; role: "assistant"; content?: string; toolCalls?: SnapshotToolCall[] }
  | { id: string; role: "system"; content: string }
  | { id: string; role: "tool"; content: string; toolCallId: string };

/** The whole conversation after a script step. */
export interface ScenarioMessageSnapshotEvent extends ScenarioEventBase {
  type: typeof ScenarioEventType.MESSAGE_SNAPSHOT;
  /** Every message so far, in order. */
  messages: SnapshotMessage[];
  /** The turn the run is in, counted from 0 like `ScenarioExecutionStateLike.currentTurn`. */
  turn?: number;
}

/** The verdict of a finished run. */
export type ScenarioVerdict = "success" | "failure" | "inconclusive";

/** A run ended. */
export interface ScenarioRunFinishedEvent extends ScenarioEventBase {
  type: typeof ScenarioEventType.RUN_FINISHED;
  /** How the run ended. */
  status: ScenarioRunStatus;
  /** The verdict and its grounds. */
  results: {
    /** `success` when passed, `failure` otherwise, `inconclusive` when cancelled before a verdict. */
    verdict: ScenarioVerdict;
    /** Why. */
    reasoning?: string;
    /** Criteria met. */
    metCriteria: string[];
    /** Criteria not met. */
    unmetCriteria: string[];
    /** The error message, for status ERROR. */
    error?: string;
    /** Per-criterion verdicts with reasoning, when the judge gave them. */
    criteria?: CriterionVerdict[];
  };
  /** The scenario's name, so reporters need not keep the started event. */
  name?: string;
  /** Milliseconds from start to verdict. */
  totalTimeMs?: number;
  /** Milliseconds inside the agent under test. */
  agentTimeMs?: number;
  /** Tokens used. */
  usage?: ScenarioUsage;
  /**
   * The result's JSON-safe artifacts: `ScenarioResult.artifacts` without the ones holding binary
   * data or other values JSON cannot carry (a call recording's audio). Reporters render them (the
   * red-team score path, for example). Absent when there are none.
   */
  artifacts?: Record<string, JSONValue>;
}

/** Every event a run emits, discriminated by `type`. */
export type ScenarioEvent = ScenarioRunStartedEvent | ScenarioMessageSnapshotEvent | ScenarioRunFinishedEvent;

/** An observer of events; rxjs observers fit. */
export interface ScenarioEventObserver {
  next(event: ScenarioEvent): void;
  error?(error: unknown): void;
  complete?(): void;
}

/**
 * A stream of events that can be subscribed to. The process-wide stream of `@scenario/core`
 * (an rxjs `Observable`) fits, so reporters need not depend on core or rxjs.
 */
export interface ScenarioEventSource {
  subscribe(observer: Partial<ScenarioEventObserver> | ((event: ScenarioEvent) => void)): {
    unsubscribe(): void;
  };
}
