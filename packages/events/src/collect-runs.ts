import {
  type CriterionVerdict,
  type NotStartedRun,
  type ScenarioEvent,
  ScenarioEventType,
  type ScenarioRunFinishedEvent,
  type ScenarioRunStatus,
  type ScenarioUsage,
  type SnapshotMessage,
} from "@scenario/spec";

/**
 * One run as the file reporters show it: what its started, last snapshot and finished events
 * said, joined by `scenarioRunId`.
 */
export interface ReportRun {
  /** Unique per run. */
  scenarioRunId: string;
  /** Stable across runs of the same scenario. */
  scenarioId: string;
  /** The scenario set. */
  scenarioSetId: string;
  /** The batch the run belongs to. */
  batchRunId: string;
  /** The scenario's name (its id when no event named it). */
  name: string;
  /** The scenario's description, when the started event was seen. */
  description?: string;
  /** The user metadata of the started event, minus `name` and `description`. */
  metadata?: Record<string, unknown>;
  /**
   * How the run ended; `INCOMPLETE` when no finished event was seen (the process died, or a
   * report was written while the run was going on); `SKIPPED` when it was selected but never
   * started (the suite was interrupted or stopped first; see `SuiteSummary.notStarted`).
   */
  status: ScenarioRunStatus | "INCOMPLETE" | "SKIPPED";
  /** The finished event's results, when the run finished. */
  results?: ScenarioRunFinishedEvent["results"];
  /** Milliseconds since the epoch when the run started (from the started event). */
  startedAt?: number;
  /** Milliseconds since the epoch when the run finished. */
  finishedAt?: number;
  /** Milliseconds from start to verdict. */
  totalTimeMs?: number;
  /** Milliseconds inside the agent under test. */
  agentTimeMs?: number;
  /** Tokens used. */
  usage?: ScenarioUsage;
  /** The JSON-safe artifacts of the finished event (the red-team report, for example). */
  artifacts?: ScenarioRunFinishedEvent["artifacts"];
  /** The conversation: the messages of the last snapshot. */
  messages: SnapshotMessage[];
  /** How many turns the run took: the last snapshot's turn, counted from 1. */
  turns?: number;
}

/** Joins events into runs as they arrive; the file reporters keep one. */
export class RunCollector {
  private readonly runs = new Map<string, ReportRun>();

  /** Takes one (valid) event into account. */
  add(event: ScenarioEvent): ReportRun {
    let run = this.runs.get(event.scenarioRunId);
    if (run === undefined) {
      run = {
        scenarioRunId: event.scenarioRunId,
        scenarioId: event.scenarioId,
        scenarioSetId: event.scenarioSetId,
        batchRunId: event.batchRunId,
        name: event.scenarioId,
        status: "INCOMPLETE",
        messages: [],
      };
      this.runs.set(event.scenarioRunId, run);
    }
    switch (event.type) {
      case ScenarioEventType.RUN_STARTED: {
        const { name, description, ...metadata } = event.metadata;
        run.name = name || run.name;
        run.description = description;
        if (Object.keys(metadata).length > 0) run.metadata = metadata;
        run.startedAt = event.timestamp;
        break;
      }
      case ScenarioEventType.MESSAGE_SNAPSHOT:
        run.messages = event.messages;
        if (event.turn !== undefined) run.turns = event.turn + 1;
        break;
      case ScenarioEventType.RUN_FINISHED:
        run.status = event.status;
        run.results = event.results;
        run.finishedAt = event.timestamp;
        if (event.name) run.name = event.name;
        if (event.totalTimeMs !== undefined) run.totalTimeMs = event.totalTimeMs;
        if (event.agentTimeMs !== undefined) run.agentTimeMs = event.agentTimeMs;
        if (event.usage !== undefined) run.usage = event.usage;
        if (event.artifacts !== undefined) run.artifacts = event.artifacts;
        break;
    }
    return run;
  }

  /**
   * Takes the runs a suite selected but never started into account, as `SKIPPED` runs (with the
   * reason as their reasoning). They have no events, so their ids are made from the batch and
   * their place in the list: adding the same list again changes nothing.
   */
  addNotStarted(batchRunId: string, notStarted: readonly NotStartedRun[]): void {
    for (const [index, skipped] of notStarted.entries()) {
      const scenarioRunId = `${batchRunId}-not-started-${index + 1}`;
      this.runs.set(scenarioRunId, {
        scenarioRunId,
        scenarioId: skipped.scenarioId,
        scenarioSetId: skipped.scenarioSetId,
        batchRunId,
        name: skipped.name,
        status: "SKIPPED",
        results: { verdict: "inconclusive", reasoning: skipped.reason, metCriteria: [], unmetCriteria: [] },
        messages: [],
      });
    }
  }

  /** Every run seen, in the order their first event arrived. */
  list(): ReportRun[] {
    return [...this.runs.values()];
  }

  /** Whether any run has been seen. */
  get size(): number {
    return this.runs.size;
  }
}

/** Joins a list of events (a JSONL file, merged shards) into runs, in order of first appearance. */
export function collectRuns(events: Iterable<ScenarioEvent>): ReportRun[] {
  const collector = new RunCollector();
  for (const event of events) collector.add(event);
  return collector.list();
}

/** The criteria of a run with their verdicts: the judge's when given, else from met/unmet lists. */
export function criteriaOf(results: ScenarioRunFinishedEvent["results"] | undefined): CriterionVerdict[] {
  if (results === undefined) return [];
  if (results.criteria !== undefined && results.criteria.length > 0) return results.criteria;
  return [
    ...results.metCriteria.map((criterion) => ({ criterion, verdict: "met" as const, reasoning: "" })),
    ...results.unmetCriteria.map((criterion) => ({ criterion, verdict: "unmet" as const, reasoning: "" })),
  ];
}

/**
 * The conversation as plain text lines (`User: …`, `Agent: …`, tool calls and results), for the
 * console and JUnit's system-out.
 */
export function formatTranscript(messages: readonly SnapshotMessage[]): string[] {
  const lines: string[] = [];
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    switch (message.role) {
      case "user":
        lines.push(`User: ${message.content}`);
        break;
      case "system":
        lines.push(`System: ${message.content}`);
        break;
      case "assistant":
        if (message.content !== undefined && message.content !== "") lines.push(`Agent: ${message.content}`);
        for (const call of message.toolCalls ?? []) {
          toolNames.set(call.id, call.function.name);
          lines.push(`Agent calls ${call.function.name}(${call.function.arguments})`);
        }
        break;
      case "tool":
        lines.push(`${toolNames.get(message.toolCallId) ?? "Tool"} returned: ${message.content}`);
        break;
    }
  }
  return lines;
}
