import { randomUUID } from "node:crypto";
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  ConfigurationError,
  type ScenarioEvent,
  ScenarioEventType,
  type ScenarioReporter,
} from "@scenario/spec";
import { validateScenarioEvent } from "./event-schemas";
import { type OutputStream, writeLine } from "./output-stream";

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
   * The most events held for sending. Over it the oldest message snapshots are dropped first (a
   * later snapshot repeats the whole conversation), then the oldest run-started events; finished
   * events are never dropped.
   * @default 1000
   */
  maxQueueSize?: number;
  /**
   * How long `flush()` (the bus's `drain()`) waits for the queue to empty, in milliseconds. What is
   * still undelivered then is saved to the spool folder and sent first by the next reporter.
   * @default 10000
   */
  drainTimeoutMs?: number;
  /** Where undelivered events are saved, relative to `cwd`. @default ".scenario/spool" */
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

interface QueuedEvent {
  readonly event: ScenarioEvent;
  readonly sequence: number;
  inFlight: boolean;
}

type PostOutcome = { status: number; retryAfter: string | null } | { failure: string };

type DeliveryOutcome = "delivered" | "rejected" | "stopped";

interface SpoolHeader {
  scenarioSpool: 1;
  endpoint: string;
  projectId: string | null;
}

const SPOOL_SUFFIX = ".jsonl";
const CLAIM_MARKER = ".claimed-";

/**
 * The HTTP reporter: posts every event to a LangWatch-compatible collector
 * (`POST {endpoint}/api/scenario-events`), in order per run and runs in parallel. Retries network
 * failures, 5xx and 429 with exponential backoff (honouring `Retry-After`); events still
 * undelivered when `flush()` times out are spooled to disk and sent by the next reporter, so a
 * finished event is never lost. Without an API key it warns once and sends nothing.
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
    maxQueueSize: options.maxQueueSize ?? 1000,
    drainTimeoutMs: options.drainTimeoutMs ?? 10_000,
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
  const spoolHeader: SpoolHeader = {
    scenarioSpool: 1,
    endpoint: base,
    projectId: settings.projectId ?? null,
  };

  const queues = new Map<string, QueuedEvent[]>();
  const activeSenders = new Map<string, Promise<void>>();
  const inFlightControllers = new Set<AbortController>();
  const sleepers = new Set<{ timer: ReturnType<typeof setTimeout>; wake: () => void }>();
  const slotWaiters: Array<() => void> = [];
  const idleWaiters: Array<() => void> = [];
  let queuedCount = 0;
  let sequence = 0;
  let requestsInFlight = 0;
  let stopped = false;
  let claimedSpoolFiles: string[] = [];
  const warned = new Set<string>();
  let droppedCount = 0;

  const log = (line: string) => writeLine(stderr, `[scenario] ${line.split(apiKey).join("[redacted]")}`);
  const warnOnce = (key: string, line: string) => {
    if (warned.has(key)) return;
    warned.add(key);
    log(line);
  };
  const debugLog = (line: string) => {
    if (settings.debug) log(`HTTP reporter: ${line}`);
  };

  const notifyIdle = () => {
    if (queuedCount > 0 || activeSenders.size > 0) return;
    for (const wake of idleWaiters.splice(0)) wake();
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
      // Backoff must never keep the process alive by itself: drain() decides how long to wait.
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
      return { failure: describeFailure(error, controller.signal.aborted) };
    } finally {
      clearTimeout(timer);
      inFlightControllers.delete(controller);
    }
  };

  const deliver = async (item: QueuedEvent): Promise<DeliveryOutcome> => {
    const body = JSON.stringify(item.event);
    for (let attempt = 0; ; attempt += 1) {
      if (!(await acquireSlot())) return "stopped";
      let outcome: PostOutcome;
      try {
        outcome = await postOnce(body);
      } finally {
        releaseSlot();
      }
      if (stopped) return "stopped";
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
      const reason = "status" in outcome ? `HTTP ${outcome.status}` : outcome.failure;
      warnOnce(
        "retrying",
        `Cannot deliver events to the collector at ${where} (${reason}); retrying with backoff. ` +
          "What is still undelivered when the run ends is saved and sent by the next run.",
      );
      await sleep(retryDelayMs(attempt, "status" in outcome ? outcome.retryAfter : null));
    }
  };

  const runSender = async (runId: string) => {
    for (;;) {
      const queue = queues.get(runId);
      const item = queue?.[0];
      if (queue === undefined || item === undefined) {
        queues.delete(runId);
        return;
      }
      if (stopped) return;
      item.inFlight = true;
      const outcome = await deliver(item);
      item.inFlight = false;
      if (outcome === "stopped") return;
      queue.shift();
      queuedCount -= 1;
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
        notifyIdle();
      });
    activeSenders.set(runId, sender);
  };

  const dropOldest = (): boolean => {
    let victim: { queue: QueuedEvent[]; index: number; item: QueuedEvent } | undefined;
    for (const type of [ScenarioEventType.MESSAGE_SNAPSHOT, ScenarioEventType.RUN_STARTED]) {
      for (const queue of queues.values()) {
        queue.forEach((item, index) => {
          if (item.inFlight || item.event.type !== type) return;
          if (victim === undefined || item.sequence < victim.item.sequence) victim = { queue, index, item };
        });
      }
      if (victim !== undefined) break;
    }
    if (victim === undefined) return false;
    victim.queue.splice(victim.index, 1);
    queuedCount -= 1;
    droppedCount += 1;
    return true;
  };

  const enqueue = (event: ScenarioEvent) => {
    const runId = event.scenarioRunId;
    const queue = queues.get(runId) ?? [];
    queues.set(runId, queue);
    queue.push({ event, sequence: sequence++, inFlight: false });
    queuedCount += 1;
    while (queuedCount > settings.maxQueueSize && dropOldest()) {
      warnOnce(
        "dropping",
        `The HTTP reporter's queue is over its bound of ${settings.maxQueueSize} events (the collector is slow ` +
          "or unreachable); dropping the oldest message snapshots. Finished events are never dropped.",
      );
    }
    startSender(runId);
  };

  const waitUntilIdle = (timeoutMs: number): Promise<boolean> => {
    if (queuedCount === 0 && activeSenders.size === 0) return Promise.resolve(true);
    return new Promise<boolean>((done) => {
      const wake = () => {
        clearTimeout(timer);
        done(true);
      };
      const timer = setTimeout(() => {
        const index = idleWaiters.indexOf(wake);
        if (index >= 0) idleWaiters.splice(index, 1);
        done(false);
      }, timeoutMs);
      // Deliberately not unref'd: whoever awaits flush() needs the process alive until it settles.
      // The timer is always cleared or fired by then, so nothing lingers.
      idleWaiters.push(wake);
    });
  };

  const stopAndCollect = async (): Promise<ScenarioEvent[]> => {
    stopped = true;
    for (const controller of inFlightControllers) controller.abort();
    for (const sleeper of sleepers) {
      clearTimeout(sleeper.timer);
      sleeper.wake();
    }
    sleepers.clear();
    for (const wake of slotWaiters.splice(0)) wake();
    await Promise.all([...activeSenders.values()]);
    const remaining = [...queues.values()].flat().sort((left, right) => left.sequence - right.sequence);
    queues.clear();
    queuedCount = 0;
    stopped = false;
    return remaining.map((item) => item.event);
  };

  const writeSpool = (events: ScenarioEvent[]) => {
    if (events.length === 0) return;
    const path = join(
      settings.spoolDir,
      `${Date.now()}-${process.pid}-${randomUUID().slice(0, 8)}${SPOOL_SUFFIX}`,
    );
    try {
      mkdirSync(settings.spoolDir, { recursive: true });
      const lines = [JSON.stringify(spoolHeader), ...events.map((event) => JSON.stringify(event))];
      writeFileSync(`${path}.tmp`, `${lines.join("\n")}\n`);
      renameSync(`${path}.tmp`, path);
      log(
        `${events.length} event${events.length === 1 ? "" : "s"} could not be delivered to ${where} within ` +
          `${settings.drainTimeoutMs} ms; saved to ${path} and sent first by the next run.`,
      );
    } catch (error) {
      log(
        `${events.length} undelivered events could not be saved to ${settings.spoolDir} ` +
          `(${describeFailure(error, false)}); they are lost.`,
      );
    }
  };

  const loadSpool = () => {
    let names: string[];
    try {
      names = readdirSync(settings.spoolDir);
    } catch {
      return;
    }
    for (const name of names.sort()) {
      if (!isClaimable(name)) continue;
      const path = join(settings.spoolDir, name);
      let lines: string[];
      try {
        lines = readFileSync(path, "utf8").split("\n");
      } catch {
        continue;
      }
      const header = parseJson(lines[0] ?? "") as Partial<SpoolHeader> | undefined;
      // Events spooled for another collector or project are left for a reporter configured for it.
      if (header?.endpoint !== spoolHeader.endpoint || header.projectId !== spoolHeader.projectId) continue;
      const claimed = `${path.split(CLAIM_MARKER)[0]}${CLAIM_MARKER}${process.pid}`;
      try {
        // Renaming claims the file, so two processes starting together do not both send it.
        renameSync(path, claimed);
      } catch {
        continue;
      }
      claimedSpoolFiles.push(claimed);
      let loaded = 0;
      for (const line of lines.slice(1)) {
        const validation = validateScenarioEvent(parseJson(line));
        if (!validation.success) continue;
        enqueue(validation.event);
        loaded += 1;
      }
      debugLog(`resending ${loaded} events saved by an earlier run`);
    }
  };

  loadSpool();

  return {
    name: "http",
    onEvent(event: ScenarioEvent) {
      const validation = validateScenarioEvent(event);
      if (!validation.success) {
        warnOnce("invalid", `The HTTP reporter skipped an invalid event: ${validation.error}.`);
        return;
      }
      enqueue(validation.event);
    },
    async flush() {
      const idle = await waitUntilIdle(settings.drainTimeoutMs);
      if (!idle) writeSpool(await stopAndCollect());
      // Every event of the claimed files is now delivered, dropped by the collector, or spooled anew.
      for (const path of claimedSpoolFiles) rmSync(path, { force: true });
      claimedSpoolFiles = [];
      if (droppedCount > 0) {
        log(`The HTTP reporter dropped ${droppedCount} message snapshots to stay within its queue bound.`);
        droppedCount = 0;
      }
    },
  };
}

function isClaimable(name: string): boolean {
  if (name.endsWith(SPOOL_SUFFIX)) return true;
  const [, owner] = name.split(CLAIM_MARKER);
  if (owner === undefined || !name.includes(`${SPOOL_SUFFIX}${CLAIM_MARKER}`)) return false;
  const pid = Number(owner);
  if (!Number.isInteger(pid) || pid === process.pid) return false;
  // A file claimed by a process that died before it finished is taken over.
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ESRCH";
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** `Retry-After` as milliseconds: either seconds or an HTTP date. */
function parseRetryAfterMs(value: string | null): number | undefined {
  if (value === null || value.trim() === "") return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - Date.now());
}

// Names the failure by its code or class, never by a message that could echo a request.
function describeFailure(error: unknown, timedOut: boolean): string {
  if (timedOut) return "request aborted or timed out";
  const cause = (error as { cause?: { code?: unknown } } | undefined)?.cause;
  const code = (error as { code?: unknown } | undefined)?.code ?? cause?.code;
  if (typeof code === "string") return code;
  if (error instanceof Error) return error.name;
  return "unknown error";
}
