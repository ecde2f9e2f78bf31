import { randomUUID } from "node:crypto";

// Kept on globalThis so that two copies of this module (an ESM and a CJS build, or a source and a
// dist copy loaded side by side) give their runs one batch id.
const BATCH_RUN_ID_SLOT = Symbol.for("@scenario/core.batchRunId");

type GlobalWithBatchRunId = typeof globalThis & { [BATCH_RUN_ID_SLOT]?: string };

/**
 * The id that groups every run of this process (or of one CI job): `SCENARIO_BATCH_RUN_ID` when
 * set, otherwise `batch-run-<uuid>`, generated once per process (shared by every copy of this
 * package the process loads).
 */
export function getBatchRunId(): string {
  const fromEnvironment = process.env.SCENARIO_BATCH_RUN_ID?.trim();
  if (fromEnvironment) return fromEnvironment;
  const holder = globalThis as GlobalWithBatchRunId;
  holder[BATCH_RUN_ID_SLOT] ??= `batch-run-${randomUUID()}`;
  return holder[BATCH_RUN_ID_SLOT];
}

/** A fresh id for one run: the `scenarioRunId` of its events and `ScenarioResult.runId`. */
export function createScenarioRunId(): string {
  return `scenariorun-${randomUUID()}`;
}

// One random part per process and a counter: an event id costs an increment, not a UUID, and
// stays unique across processes (a collector dedupes resent events by it).
const EVENT_ID_PREFIX = `evt-${randomUUID()}-`;
let eventCounter = 0;

/**
 * A fresh id for one event (its `eventId`), set once where core emits it: every copy and resend
 * of the event carries the same id, so reporters need not hash the event's content to name it.
 */
export function createEventId(): string {
  eventCounter += 1;
  return `${EVENT_ID_PREFIX}${eventCounter.toString(36)}`;
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
