import { resolve } from "node:path";
import { ConfigurationError, type ScenarioEvent, type ScenarioReporter } from "@scenario/spec";
import { describeFailure, parseRetryAfterMs, UNREACHABLE_CODES } from "./describe-failure";
import { type ScenarioEventValidation, validateScenarioEvent } from "./event-schemas";
import { openEventSpool, type SpoolEntry } from "./event-spool";
import { type OutputStream, writeLine } from "./output-stream";
import { isTrustedEvent } from "./trusted-events";

/** The LangWatch cloud, used when no endpoint is configured. */
export const DEFAULT_LANGWATCH_ENDPOINT = "https://app.langwatch.ai";

/** Options of `httpReporter()`. Unset options fall back to the environment. */
export interface HttpReporterOptions {
  /** The collector's base URL; events go to `{endpoint}/api/scenario-events`. @default LANGWATCH_ENDPOINT, else https://app.langwatch.ai */
  endpoint?: string;
  /** Sent as `Authorization: Bearer <apiKey>`. Without one the reporter does nothing. @default LANGWATCH_API_KEY */
  apiKey?: string;
  /** Sent as `X-Project-Id` when set. @default LANGWATCH_PROJECT_ID */
  projectId?: string;
  /** The environment the defaults are read from. @default process.env */
  env?: Record<string, string | undefined>;
  /** The fetch implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /**
   * The most events held in memory for sending. Every event is written to the spool file first
   * and read back from it, so the rest wait on disk: nothing is dropped, at any suite size.
   * @default 256
   */
  maxQueueSize?: number;
  /**
   * How long `flush()` (the bus's `drain()`) waits for a slow collector, in milliseconds. What is
   * unacknowledged then stays in the spool folder and is sent first by the next reporter. A
   * collector that refuses connections is not waited for at all.
   * @default 3000
   */
  drainTimeoutMs?: number;
  /** Where events wait until the collector acknowledges them, relative to `cwd`. @default ".scenario/spool" */
  spoolDir?: string;
  /** The folder `spoolDir` is relative to. @default process.cwd() */
  cwd?: string;
  /** The first retry delay, in milliseconds; it doubles per attempt. @default 500 */
  initialRetryDelayMs?: number;
  /** The longest retry delay (and the most a `Retry-After` is honoured), in milliseconds. @default 10000 */
  maxRetryDelayMs?: number;
  /** How long one request may take before it is aborted and retried, in milliseconds. @default 15000 */
  requestTimeoutMs?: number;
  /** Requests in flight at once (one per run at most, so each run's events stay in order). @default 4 */
  maxConcurrentRequests?: number;
  /** Where warnings go. They never contain the API key or message content. @default process.stderr */
  stderr?: OutputStream;
  /** Print debug lines (retried deliveries, resent events). @default true when SCENARIO_DEBUG is set */
  debug?: boolean;
}

type PostOutcome = { status: number; retryAfter: string | null } | { failure: string; unreachable: boolean };

type DeliveryOutcome = "delivered" | "rejected" | "stopped";

/**
 * The HTTP reporter: posts every event to a LangWatch-compatible collector
 * (`POST {endpoint}/api/scenario-events`), in order per run and runs in parallel. Every event is
 * first appended to a spool file (write-ahead) and leaves it only once the collector answered 2xx;
 * what is unacknowledged when `flush()` ends stays there and is resent, oldest first, by the next
 * reporter. Each event carries a stable `eventId` so the collector can drop a resent copy. Retries
 * network failures, 5xx and 429 with exponential backoff (honouring `Retry-After`). Without an
 * API key it warns once and sends nothing.
 */
export function httpReporter(options: HttpReporterOptions = {}): ScenarioReporter {
  const env = options.env ?? process.env;
  const stderr = options.stderr ?? process.stderr;
  const debug = options.debug ?? Boolean(env.SCENARIO_DEBUG);
  const apiKey = options.apiKey ?? env.LANGWATCH_API_KEY;
  if (apiKey === undefined || apiKey === "") {
    // Asked for by name yet sending nothing: say so once, or the user waits for runs that never arrive.
    writeLine(
      stderr,
      "[scenario] HTTP reporter off: no API key, so no events are sent. Set LANGWATCH_API_KEY (or pass apiKey).",
    );
    return { name: "http" };
  }
  const endpointText = options.endpoint ?? env.LANGWATCH_ENDPOINT ?? DEFAULT_LANGWATCH_ENDPOINT;
  let endpoint: URL;
  try {
    endpoint = new URL(endpointText);
  } catch (error) {
    throw new ConfigurationError(
      `The HTTP reporter's endpoint ${JSON.stringify(endpointText)} is not a URL. ` +
        "Set LANGWATCH_ENDPOINT or the endpoint option to the collector's base URL, e.g. https://app.langwatch.ai.",
      { cause: error },
    );
  }
  const projectId = options.projectId ?? env.LANGWATCH_PROJECT_ID;
  return createHttpSender({
    apiKey,
    projectId: projectId === "" ? undefined : projectId,
    endpoint,
    fetchImplementation: options.fetch ?? globalThis.fetch,
    maxQueueSize: Math.max(1, options.maxQueueSize ?? 256),
    drainTimeoutMs: options.drainTimeoutMs ?? 3000,
    spoolDir: resolve(options.cwd ?? process.cwd(), options.spoolDir ?? ".scenario/spool"),
    initialRetryDelayMs: options.initialRetryDelayMs ?? 500,
    maxRetryDelayMs: options.maxRetryDelayMs ?? 10_000,
    requestTimeoutMs: options.requestTimeoutMs ?? 15_000,
    maxConcurrentRequests: Math.max(1, options.maxConcurrentRequests ?? 4),
    stderr,
    debug,
  });
}

interface SenderSettings {
  apiKey: string;
  projectId: string | undefined;
  endpoint: URL;
  fetchImplementation: typeof fetch;
  maxQueueSize: number;
  drainTimeoutMs: number;
  spoolDir: string;
  initialRetryDelayMs: number;
  maxRetryDelayMs: number;
  requestTimeoutMs: number;
  maxConcurrentRequests: number;
  stderr: OutputStream;
  debug: boolean;
}

function createHttpSender(settings: SenderSettings): ScenarioReporter {
  const { apiKey, stderr } = settings;
  const base = settings.endpoint.href.replace(/\/+$/, "");
  const url = `${base}/api/scenario-events`;
  // Only the origin is ever printed: a path or query could carry something private.
  const where = settings.endpoint.origin;
  const headers: Record<string, string> = {
    "Content-Type": "application/json",
    Authorization: `Bearer ${apiKey}`,
  };
  if (settings.projectId !== undefined) headers["X-Project-Id"] = settings.projectId;
  const spool = openEventSpool({
    dir: settings.spoolDir,
    header: { scenarioSpool: 1, endpoint: base, projectId: settings.projectId ?? null },
  });

  const queues = new Map<string, SpoolEntry[]>();
  const activeSenders = new Map<string, Promise<void>>();
  const inFlightControllers = new Set<AbortController>();
  const sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; wake: () => void }>();
  const slotWaiters: Array<() => void> = [];
  const stateListeners = new Set<() => void>();
  let queuedCount = 0;
  let requestsInFlight = 0;
  let stopped = false;
  let closedForGood = false;
  // The last attempt found nobody listening (connection refused, unknown host).
  let unreachable = false;
  let lastFailure = "";
  const warned = new Set<string>();

  const log = (line: string) => writeLine(stderr, `[scenario] ${line.split(apiKey).join("[redacted]")}`);
  const warnOnce = (key: string, line: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log(line);
  };
  const debugLog = (line: string) => {
    if (settings.debug) log(`HTTP reporter: ${line}`);
  };
  const notifyState = () => {
    for (const listener of [...stateListeners]) listener();
  };

  const acquireSlot = async (): Promise<boolean> => {
    while (requestsInFlight >= settings.maxConcurrentRequests) {
      if (stopped) return false;
      await new Promise<void>((wake) => slotWaiters.push(wake));
    }
    if (stopped) return false;
    requestsInFlight += 1;
    return true;
  };

  const releaseSlot = () => {
    requestsInFlight -= 1;
    slotWaiters.shift()?.();
  };

  const sleep = (delayMs: number) =>
    new Promise<void>((wake) => {
      const sleeper = {
        timer: setTimeout(() => {
          sleepers.delete(sleeper);
          wake();
        }, delayMs),
        wake,
      };
      // Backoff must never keep the process alive by itself: flush() decides how long to wait.
      sleeper.timer.unref?.();
      sleepers.add(sleeper);
    });

  const retryDelayMs = (attempt: number, retryAfter: string | null): number => {
    const retryAfterMs = parseRetryAfterMs(retryAfter);
    if (retryAfterMs !== undefined) return Math.min(retryAfterMs, settings.maxRetryDelayMs);
    const exponential = Math.min(settings.initialRetryDelayMs * 2 ** attempt, settings.maxRetryDelayMs);
    // Jitter keeps parallel processes from retrying in lockstep against a recovering collector.
    return exponential / 2 + (Math.random() * exponential) / 2;
  };

  const postOnce = async (body: string): Promise<PostOutcome> => {
    const controller = new AbortController();
    inFlightControllers.add(controller);
    const timer = setTimeout(() => controller.abort(), settings.requestTimeoutMs);
    timer.unref?.();
    try {
      const response = await settings.fetchImplementation(url, {
        method: "POST",
        headers,
        body,
        signal: controller.signal,
      });
      // Read the body so the connection is released for reuse; its content is never logged.
      await response.arrayBuffer().catch(() => undefined);
      return { status: response.status, retryAfter: response.headers.get("retry-after") };
    } catch (error) {
      const failure = describeFailure(error, controller.signal.aborted);
      return { failure, unreachable: UNREACHABLE_CODES.has(failure) };
    } finally {
      clearTimeout(timer);
      inFlightControllers.delete(controller);
    }
  };

  const deliver = async (entry: SpoolEntry): Promise<DeliveryOutcome> => {
    const body = JSON.stringify(entry.event);
    for (let attempt = 0; ; attempt += 1) {
      if (!(await acquireSlot())) return "stopped";
      let outcome: PostOutcome;
      try {
        outcome = await postOnce(body);
      } finally {
        releaseSlot();
      }
      if (stopped) return "stopped";
      unreachable = "failure" in outcome && outcome.unreachable;
      if (unreachable) notifyState();
      if ("status" in outcome && outcome.status >= 200 && outcome.status < 300) {
        if (attempt > 0) debugLog(`delivered an event after ${attempt + 1} attempts`);
        return "delivered";
      }
      if ("status" in outcome && outcome.status !== 429 && outcome.status < 500) {
        warnOnce(
          `status-${outcome.status}`,
          `The collector at ${where} refused an event with HTTP ${outcome.status}; it is dropped.` +
            (outcome.status === 401 || outcome.status === 403
              ? " Check LANGWATCH_API_KEY (and LANGWATCH_PROJECT_ID)."
              : ""),
        );
        return "rejected";
      }
      lastFailure = "status" in outcome ? `HTTP ${outcome.status}` : outcome.failure;
      warnOnce(
        "retrying",
        `Cannot deliver events to the collector at ${where} (${lastFailure}); retrying with backoff. ` +
          "Every event is kept in the spool until the collector acknowledges it.",
      );
      await sleep(retryDelayMs(attempt, "status" in outcome ? outcome.retryAfter : null));
    }
  };

  // Reads events back from the spool into per-run queues, up to the in-memory bound.
  const pump = () => {
    while (!stopped && queuedCount < settings.maxQueueSize) {
      const entry = spool.next();
      if (entry === undefined) return;
      const runId = entry.event.scenarioRunId;
      const queue = queues.get(runId) ?? [];
      queues.set(runId, queue);
      queue.push(entry);
      queuedCount += 1;
      startSender(runId);
    }
  };

  const runSender = async (runId: string) => {
    for (;;) {
      const entry = queues.get(runId)?.[0];
      if (entry === undefined) {
        queues.delete(runId);
        return;
      }
      if (stopped) return;
      const outcome = await deliver(entry);
      if (outcome === "stopped") return;
      queues.get(runId)?.shift();
      queuedCount -= 1;
      spool.settle(entry);
      pump();
    }
  };

  const startSender = (runId: string) => {
    if (activeSenders.has(runId) || stopped) return;
    const sender = runSender(runId)
      .catch((error: unknown) => {
        log(`The HTTP reporter failed unexpectedly: ${describeFailure(error, false)}.`);
      })
      .finally(() => {
        activeSenders.delete(runId);
        // An event may have arrived between the sender's last look and its exit.
        if (!stopped && (queues.get(runId)?.length ?? 0) > 0) startSender(runId);
        notifyState();
      });
    activeSenders.set(runId, sender);
  };

  const isIdle = () => queuedCount === 0 && activeSenders.size === 0;

  // True once everything is acknowledged; false when the time is up or nobody is listening.
  const waitForDelivery = (timeoutMs: number): Promise<boolean> =>
    new Promise<boolean>((done) => {
      const check = () => {
        if (isIdle()) finish(true);
        else if (unreachable) finish(false);
      };
      const finish = (delivered: boolean) => {
        clearTimeout(timer);
        stateListeners.delete(check);
        done(delivered);
      };
      // Deliberately not unref'd: whoever awaits flush() needs the process alive until it settles.
      // The timer is always cleared or fired by then, so nothing lingers.
      const timer = setTimeout(() => finish(false), timeoutMs);
      stateListeners.add(check);
      check();
    });

  const stop = async () => {
    stopped = true;
    // An abandoned request's event stays in the spool and goes again, with the same eventId.
    for (const controller of inFlightControllers) controller.abort();
    for (const sleeper of sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    sleepers.clear();
    for (const wake of slotWaiters.splice(0)) wake();
    await Promise.all([...activeSenders.values()]);
    queues.clear();
    queuedCount = 0;
  };

  const releaseSpool = (reason: string) => {
    let kept: number;
    try {
      kept = spool.close().kept;
    } catch (error) {
      log(
        `The HTTP reporter could not tidy its spool in ${settings.spoolDir} (${describeFailure(error, false)}); ` +
          "its events stay there and are resent (with the same ids) by the next run.",
      );
      return;
    }
    if (kept === 0) return;
    log(
      `${kept} event${kept === 1 ? "" : "s"} could not be delivered to ${where} (${reason}); ` +
        `kept in ${settings.spoolDir} and sent first by the next run.`,
    );
  };

  if (spool.backlogFiles() > 0) debugLog(`resending the events of ${spool.backlogFiles()} earlier runs`);
  pump();

  return {
    name: "http",
    onEvent(event: ScenarioEvent) {
      if (closedForGood) return;
      // Events from the bus were checked there (or built by core): only one handed over directly is checked here.
      const validation: ScenarioEventValidation = isTrustedEvent(event)
        ? { success: true, event }
        : validateScenarioEvent(event);
      if (!validation.success) {
        warnOnce("invalid", `The HTTP reporter skipped an invalid event: ${validation.error}.`);
        return;
      }
      try {
        spool.append(validation.event);
      } catch (error) {
        warnOnce(
          "append",
          `The HTTP reporter cannot write its spool in ${settings.spoolDir} (${describeFailure(error, false)}); ` +
            "events it cannot save are not sent. Check that the folder is writable.",
        );
        return;
      }
      pump();
    },
    async flush() {
      const delivered = await waitForDelivery(unreachable ? 0 : settings.drainTimeoutMs);
      await stop();
      const reason = unreachable
        ? `unreachable: ${lastFailure}`
        : delivered
          ? "refused"
          : `no answer within ${settings.drainTimeoutMs} ms${lastFailure === "" ? "" : `, last ${lastFailure}`}`;
      releaseSpool(reason);
      stopped = false;
    },
    emergencyFlush() {
      // The process exits as soon as this returns: every event is already on disk, so all that is
      // left is to drop the acknowledged ones and give the files back, synchronously.
      closedForGood = true;
      stopped = true;
      for (const controller of inFlightControllers) controller.abort();
      for (const sleeper of sleepers) clearTimeout(sleeper.timer);
      releaseSpool("exiting at once");
    },
  };
}
