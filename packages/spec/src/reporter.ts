import type { ScenarioUsage } from "./config";
import type {
  ScenarioEvent,
  ScenarioMessageSnapshotEvent,
  ScenarioRunFinishedEvent,
  ScenarioRunStartedEvent,
} from "./events";

/** Counts and outcome of a whole suite (one CLI invocation, or one test process). */
export interface SuiteSummary {
  /** The batch the runs belong to. */
  batchRunId: string;
  /** Milliseconds from the first run's start to the last run's end. */
  durationMs: number;
  /** Every run's finished event, in the order they finished. */
  runs: ScenarioRunFinishedEvent[];
  /** Runs by status. */
  counts: { total: number; passed: number; failed: number; errored: number; cancelled: number };
  /** Scenario ids that passed some repeats and failed others. */
  flaky: string[];
  /** Tokens used by all runs, and their cost when every run's cost is known. */
  usage: Pick<ScenarioUsage, "inputTokens" | "outputTokens" | "totalTokens" | "costUsd">;
  /**
   * Runs that were selected but never started, because the suite was interrupted (Ctrl-C) or
   * stopped (`--bail`, a setup error) first. Reports list them as skipped, so their totals add up
   * to what was selected. Absent when every selected run started.
   */
  notStarted?: NotStartedRun[];
}

/** A selected run that never started: no events were emitted for it. */
export interface NotStartedRun {
  /** The scenario's id. */
  scenarioId: string;
  /** The scenario set. */
  scenarioSetId: string;
  /** The scenario's name. */
  name: string;
  /** Why it did not start, as a sentence ("The suite was interrupted before this run started."). */
  reason: string;
}

/** Suite-level context handed to `onSuiteStart`. */
export interface SuiteStartInfo {
  /** The batch the runs belong to. */
  batchRunId: string;
  /** Milliseconds since the epoch. */
  startedAt: number;
  /** How many runs are planned, when known. */
  plannedRuns?: number;
}

/**
 * A reporter. Every hook is optional; hooks of one run are called in order, and a hook that throws
 * is reported once and never breaks the run or other reporters.
 */
export interface ScenarioReporter {
  /** Shown when the reporter fails. */
  readonly name?: string;
  /** Before the first run of a suite. */
  onSuiteStart?(info: SuiteStartInfo): void | Promise<void>;
  /** Every event, before the typed hook for it. */
  onEvent?(event: ScenarioEvent): void | Promise<void>;
  /** A run began. */
  onRunStart?(event: ScenarioRunStartedEvent): void | Promise<void>;
  /** A message snapshot after a script step. */
  onMessage?(event: ScenarioMessageSnapshotEvent): void | Promise<void>;
  /** A run ended. */
  onRunEnd?(event: ScenarioRunFinishedEvent): void | Promise<void>;
  /** After the last run of a suite. */
  onSuiteEnd?(summary: SuiteSummary): void | Promise<void>;
  /** Finishes pending work (files, network); awaited by the bus's `drain()`. */
  flush?(): Promise<void>;
  /**
   * Saves what would otherwise be lost, synchronously, because the process exits right after it
   * returns (a second Ctrl-C). No awaiting, no network: write files with the `*Sync` calls.
   */
  emergencyFlush?(): void;
}

/**
 * How a reporter is named in configuration: a built-in or package name, a name with options, or
 * an instance.
 */
export type ReporterSpec = string | [name: string, options: Record<string, unknown>] | ScenarioReporter;
