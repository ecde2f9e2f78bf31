import { randomUUID } from "node:crypto";

let processBatchRunId: string | undefined;

/**
 * The id that groups every run of this process (or of one CI job): `SCENARIO_BATCH_RUN_ID` when
 * set, otherwise `batch-run-<uuid>`, generated once per process.
 */
export function getBatchRunId(): string {
  const fromEnvironment = process.env.SCENARIO_BATCH_RUN_ID?.trim();
  if (fromEnvironment) return fromEnvironment;
  processBatchRunId ??= `batch-run-${randomUUID()}`;
  return processBatchRunId;
}

/** A fresh id for one run: the `scenarioRunId` of its events and `ScenarioResult.runId`. */
export function createScenarioRunId(): string {
  return `scenariorun-${randomUUID()}`;
}

/** A fresh conversation thread id. */
export function createThreadId(): string {
  return `thread-${randomUUID()}`;
}

/** A fresh id for one message of the conversation, stable across snapshots. */
export function createMessageId(): string {
  return `msg-${randomUUID()}`;
}

/**
 * The id of a scenario: its `id`, else a slug of its name. The CLI uses the same rule to list,
 * filter and shard scenarios before running them.
 */
export function scenarioIdOf(scenario: { id?: string | undefined; name: string }): string {
  return scenario.id || slugify(scenario.name);
}

/** A stable scenario id from its name: lower case, runs of other characters become one dash. */
function slugify(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return slug || "scenario";
}
