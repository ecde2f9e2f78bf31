import {
  type ScenarioEvent,
  type ScenarioEventSource,
  ScenarioEventType,
  type ScenarioReporter,
  type ScenarioRunFinishedEvent,
  type SuiteStartInfo,
  type SuiteSummary,
} from "@scenario/spec";
import { type ScenarioEventValidation, validateScenarioEvent } from "./event-schemas";
import { type OutputStream, writeLine } from "./output-stream";
import { summarizeRuns } from "./summarize-runs";
import { markTrustedEvent } from "./trusted-events";

/** Options of `createEventBus()`. */
export interface EventBusOptions {
  /**
   * The stream to subscribe to, usually `scenarioEvents$` of `@scenario/core`. Omit it to feed
   * events with `publish()` only (merging reports, tests).
   */
  source?: ScenarioEventSource;
  /**
   * Check the events from `source` against the event schema, as `publish()` always does. Off by
   * default: core's stream carries only events core built, and checking each one again cost a
   * schema parse per event at scale. Turn it on for a source that carries events from elsewhere.
   * @default false
   */
  validateSource?: boolean;
  /** The reporters, already resolved (see `resolveReporters()`). */
  reporters: readonly ScenarioReporter[];
  /** Where reporter failures and invalid events are reported. @default process.stderr */
  stderr?: OutputStream;
  /**
   * How long `drain()` waits for reporters before it gives up on those still busy (named on
   * stderr), so a reporter that never settles cannot hang the process.
   * @default 30000
   */
  drainTimeoutMs?: number;
}

/** Connects an event stream to reporters. */
export interface EventBus {
  /**
   * Hands one event to every reporter, as if it came from the source. Invalid events are reported
   * once on stderr and dropped.
   */
  publish(event: ScenarioEvent): void;
  /** Calls every reporter's `onSuiteStart`; run hooks wait for it. */
  startSuite(info: Pick<SuiteStartInfo, "batchRunId"> & Partial<SuiteStartInfo>): Promise<void>;
  /**
   * Waits for the events received so far, then calls every reporter's `onSuiteEnd` with the given
   * summary, or one built by `summarizeRuns()` from the runs finished since the last `endSuite`.
   * `notStarted` (the runs the caller selected but never started) is added to either. Resolves
   * with the summary.
   */
  endSuite(summary?: SuiteSummary, extra?: Pick<SuiteSummary, "notStarted">): Promise<SuiteSummary>;
  /**
   * Resolves once every reporter has processed every event received so far and flushed. Leaves
   * no timer or handle behind, so the process can exit right after.
   */
  drain(): Promise<void>;
  /** Drains, then unsubscribes from the source. Events published afterwards are ignored. */
  close(): Promise<void>;
  /**
   * Calls every reporter's synchronous `emergencyFlush()`, for a process about to exit at once
   * (a second Ctrl-C). A reporter that throws is reported and the others still run.
   */
  emergencyFlush(): void;
}

const DEFAULT_DRAIN_TIMEOUT_MS = 30_000;

interface ReporterSlot {
  readonly reporter: ScenarioReporter;
  readonly label: string;
  failureReported: boolean;
  /** Settles when `onSuiteStart` has run; every run chain starts after it. */
  suiteGate: Promise<void>;
  /** The tail of each run's hook calls, so hooks of one run run one after another. */
  readonly runTails: Map<string, Promise<void>>;
  pendingCount: number;
}

type HookName = Exclude<keyof ScenarioReporter, "name">;

/**
 * Creates an event bus: subscribes the reporters to `source`, calls their hooks in order per run
 * (awaiting async hooks; different runs may interleave), isolates their failures, and lets the
 * caller wait for all of them with `drain()`.
 */
export function createEventBus(options: EventBusOptions): EventBus {
  const stderr = options.stderr ?? process.stderr;
  const drainTimeoutMs = options.drainTimeoutMs ?? DEFAULT_DRAIN_TIMEOUT_MS;
  const slots: ReporterSlot[] = options.reporters.map((reporter, index) => ({
    reporter,
    label: describeReporter(reporter, index),
    failureReported: false,
    suiteGate: Promise.resolve(),
    runTails: new Map(),
    pendingCount: 0,
  }));
  const pending = new Set<Promise<unknown>>();
  let finishedRuns: ScenarioRunFinishedEvent[] = [];
  let firstStartedAt: number | undefined;
  let invalidEventReported = false;
  let closed = false;

  const track = <T>(promise: Promise<T>): Promise<T> => {
    pending.add(promise);
    const forget = () => pending.delete(promise);
    promise.then(forget, forget);
    return promise;
  };

  const reportFailure = (slot: ReporterSlot, hook: HookName, error: unknown) => {
    if (slot.failureReported) return;
    slot.failureReported = true;
    writeLine(
      stderr,
      `[scenario] Reporter ${slot.label} failed in ${hook}(): ${errorMessage(error)}. ` +
        "The run and the other reporters go on; later failures of this reporter are not shown.",
    );
  };

  const callHook = async (slot: ReporterSlot, hook: HookName, argument?: unknown): Promise<void> => {
    const method = slot.reporter[hook] as ((value?: unknown) => unknown) | undefined;
    if (typeof method !== "function") return;
    try {
      await method.call(slot.reporter, argument);
    } catch (error) {
      reportFailure(slot, hook, error);
    }
  };

  const deliver = async (slot: ReporterSlot, event: ScenarioEvent): Promise<void> => {
    await callHook(slot, "onEvent", event);
    switch (event.type) {
      case ScenarioEventType.RUN_STARTED:
        await callHook(slot, "onRunStart", event);
        break;
      case ScenarioEventType.MESSAGE_SNAPSHOT:
        await callHook(slot, "onMessage", event);
        break;
      case ScenarioEventType.RUN_FINISHED:
        await callHook(slot, "onRunEnd", event);
        break;
    }
  };

  const enqueue = (slot: ReporterSlot, runId: string, work: () => Promise<void>) => {
    const previous = slot.runTails.get(runId) ?? slot.suiteGate;
    slot.pendingCount += 1;
    const tail = previous.then(work).finally(() => {
      slot.pendingCount -= 1;
      // Forget idle runs so a long-lived process does not keep one entry per run forever.
      if (slot.runTails.get(runId) === tail) slot.runTails.delete(runId);
    });
    slot.runTails.set(runId, tail);
    track(tail);
  };

  const dispatch = (value: unknown, trusted: boolean) => {
    if (closed) return;
    const validation: ScenarioEventValidation = trusted
      ? { success: true, event: value as ScenarioEvent }
      : validateScenarioEvent(value);
    if (!validation.success) {
      if (!invalidEventReported) {
        invalidEventReported = true;
        writeLine(
          stderr,
          `[scenario] Ignored an invalid event: ${validation.error}. ` +
            "Reporters only receive valid events; later invalid events are ignored without a message.",
        );
      }
      return;
    }
    const event = validation.event;
    markTrustedEvent(event);
    if (event.type === ScenarioEventType.RUN_STARTED) {
      firstStartedAt = Math.min(firstStartedAt ?? event.timestamp, event.timestamp);
    } else if (event.type === ScenarioEventType.RUN_FINISHED) {
      finishedRuns.push(event);
    }
    for (const slot of slots) enqueue(slot, event.scenarioRunId, () => deliver(slot, event));
  };

  const settlePending = async () => {
    // A snapshot: events arriving while we wait belong to a later drain.
    await Promise.all([...pending]);
  };

  const trustSource = options.validateSource !== true;
  const subscription = options.source?.subscribe({
    next: (value: unknown) => dispatch(value, trustSource),
    error: (error: unknown) => {
      writeLine(stderr, `[scenario] The event stream failed: ${errorMessage(error)}.`);
    },
  });

  const withDeadline = async (work: Promise<void>): Promise<void> => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<"timeout">((resolve) => {
      // Not unref'd: the caller awaiting drain() needs the process alive until it settles; the
      // timer is cleared right after, so it never outlives the drain.
      timer = setTimeout(() => resolve("timeout"), drainTimeoutMs);
    });
    try {
      const outcome = await Promise.race([work.then(() => "done" as const), deadline]);
      if (outcome === "timeout") {
        const busy = slots.filter((slot) => slot.pendingCount > 0).map((slot) => slot.label);
        writeLine(
          stderr,
          `[scenario] Gave up waiting for reporter${busy.length === 1 ? "" : "s"} ${busy.join(", ") || "(unknown)"} ` +
            `after ${drainTimeoutMs} ms; their output may be incomplete. Raise drainTimeoutMs if they need longer.`,
        );
      }
    } finally {
      clearTimeout(timer);
    }
  };

  const drain = async (): Promise<void> => {
    const work = (async () => {
      await settlePending();
      await Promise.all(
        slots.map(async (slot) => {
          slot.pendingCount += 1;
          try {
            await callHook(slot, "flush");
          } finally {
            slot.pendingCount -= 1;
          }
        }),
      );
    })();
    await withDeadline(work);
  };

  return {
    publish: (event) => dispatch(event, false),

    startSuite(info) {
      const fullInfo: SuiteStartInfo = { ...info, startedAt: info.startedAt ?? Date.now() };
      const gates = slots.map((slot) => {
        slot.pendingCount += 1;
        const gate = slot.suiteGate
          .then(() => callHook(slot, "onSuiteStart", fullInfo))
          .finally(() => {
            slot.pendingCount -= 1;
          });
        slot.suiteGate = gate;
        return track(gate);
      });
      return Promise.all(gates).then(() => undefined);
    },

    endSuite(summary, extra) {
      return track(
        (async () => {
          await settlePending();
          const runs = finishedRuns;
          const startedAt = firstStartedAt;
          finishedRuns = [];
          firstStartedAt = undefined;
          let finalSummary = summary;
          if (finalSummary === undefined) {
            const lastEnd = runs.reduce((latest, run) => Math.max(latest, run.timestamp), 0);
            finalSummary = summarizeRuns(
              runs,
              startedAt !== undefined && runs.length > 0
                ? { durationMs: Math.max(0, lastEnd - startedAt) }
                : {},
            );
          }
          const completeSummary: SuiteSummary =
            extra?.notStarted !== undefined && extra.notStarted.length > 0
              ? { ...finalSummary, notStarted: extra.notStarted }
              : finalSummary;
          await Promise.all(slots.map((slot) => callHook(slot, "onSuiteEnd", completeSummary)));
          return completeSummary;
        })(),
      );
    },

    drain,

    async close() {
      await drain();
      closed = true;
      subscription?.unsubscribe();
    },

    emergencyFlush() {
      for (const slot of slots) {
        try {
          slot.reporter.emergencyFlush?.();
        } catch (error) {
          reportFailure(slot, "emergencyFlush", error);
        }
      }
    },
  };
}

function describeReporter(reporter: ScenarioReporter, index: number): string {
  const name = typeof reporter.name === "string" && reporter.name.length > 0 ? reporter.name : undefined;
  return name !== undefined ? `"${name}"` : `#${index + 1}`;
}

function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message || error.name;
  return String(error);
}
