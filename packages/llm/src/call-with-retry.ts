import { STATUS_CODES } from "node:http";
import { isScenarioError, ModelCallError } from "@scenario/spec";
import { APICallError } from "ai";
import { redactSecrets } from "./redact-secrets";

/** The passage of time as retries see it; tests inject one that does not really wait. */
export interface RetryClock {
  /** The current time in milliseconds. */
  now(): number;
  /** Resolves after `delayMs`, or rejects when `signal` aborts first. */
  sleep(delayMs: number, signal?: AbortSignal): Promise<void>;
}

/** How model calls are retried and timed out. */
export interface RetryOptions {
  /**
   * Attempts in all, the first included. Only rate limits (429), server errors (5xx), connection
   * failures and timeouts are retried.
   * @default 3
   */
  maxAttempts?: number | undefined;
  /**
   * The wait before the second attempt when the server sends no `Retry-After`; doubled for each
   * later one.
   * @default 1000
   */
  initialDelayMs?: number | undefined;
  /**
   * The longest wait between attempts, `Retry-After` included.
   * @default 30000
   */
  maxDelayMs?: number | undefined;
  /**
   * The time limit of one attempt; a slower attempt is aborted and counts as failed.
   * @default 120000
   */
  timeoutMs?: number | undefined;
  /** The clock used for waiting and measuring. @default the real one */
  clock?: RetryClock | undefined;
}

/** Options of one `callWithRetry()`. */
export interface CallWithRetryOptions extends RetryOptions {
  /** Cancels the call and any wait between attempts. */
  signal?: AbortSignal | undefined;
  /** What is being called, for the error message ("judge call to openai.responses/gpt-4.1-mini"). */
  label?: string | undefined;
}

/** What an operation retried by `callWithRetry()` is given. */
export interface RetryAttempt {
  /** Aborted on the caller's signal or when this attempt times out; pass it to the model call. */
  signal: AbortSignal;
  /** The attempt's number, starting at 1. */
  attempt: number;
}

const DEFAULTS = { maxAttempts: 3, initialDelayMs: 1000, maxDelayMs: 30_000, timeoutMs: 120_000 };

/** The real clock. */
export const systemClock: RetryClock = {
  now: () => Date.now(),
  sleep: (delayMs, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, delayMs);
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
};

class AttemptTimeoutError extends Error {
  constructor(timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms`);
    this.name = "AttemptTimeoutError";
  }
}

/**
 * Runs a model call with bounded retries: rate limits (429), server errors (5xx), connection
 * failures and timeouts are retried with exponential backoff that honours `Retry-After` and
 * `retry-after-ms`. Each attempt has its own timeout. When the attempts run out, or an HTTP error
 * cannot be retried, it throws a `ModelCallError` that says what was tried, with the last error as
 * `cause`. Scenario errors and the caller's abort pass through unchanged. Disable the AI SDK's own
 * retries (`maxRetries: 0`) in the operation, so these are the only ones.
 */
export async function callWithRetry<T>(
  operation: (attempt: RetryAttempt) => Promise<T>,
  options: CallWithRetryOptions = {},
): Promise<T> {
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts ?? DEFAULTS.maxAttempts));
  const initialDelayMs = options.initialDelayMs ?? DEFAULTS.initialDelayMs;
  const maxDelayMs = options.maxDelayMs ?? DEFAULTS.maxDelayMs;
  const timeoutMs = options.timeoutMs ?? DEFAULTS.timeoutMs;
  const clock = options.clock ?? systemClock;
  const label = options.label ?? "Model call";
  const startedAt = clock.now();

  for (let attempt = 1; ; attempt++) {
    options.signal?.throwIfAborted();
    const timeoutController = new AbortController();
    const timer = setTimeout(() => timeoutController.abort(new AttemptTimeoutError(timeoutMs)), timeoutMs);
    timer.unref?.();
    const signal = options.signal
      ? AbortSignal.any([options.signal, timeoutController.signal])
      : timeoutController.signal;
    let failure: unknown;
    try {
      return await operation({ signal, attempt });
    } catch (error) {
      failure = error;
    } finally {
      clearTimeout(timer);
    }

    if (options.signal?.aborted) throw failure;
    if (isScenarioError(failure)) throw failure;
    const timedOut = timeoutController.signal.aborted;
    const error = timedOut ? timeoutController.signal.reason : failure;
    const retryable = timedOut || isRetryableError(error);
    if (!retryable && !APICallError.isInstance(error)) throw failure;

    const elapsedMs = clock.now() - startedAt;
    if (!retryable || attempt >= maxAttempts) {
      const attempts = `${attempt} attempt${attempt === 1 ? "" : "s"} over ${(elapsedMs / 1000).toFixed(1)} s`;
      throw new ModelCallError(
        `${label} failed (${attempts}; last: ${describeError(error)}).` +
          (retryable ? "" : " This error is not retried."),
        { cause: error },
      );
    }
    const backoffMs = initialDelayMs * 2 ** (attempt - 1);
    const delayMs = Math.min(retryAfterMs(error, clock) ?? backoffMs, maxDelayMs);
    await clock.sleep(Math.max(0, delayMs), options.signal);
  }
}

/** True for errors worth another attempt: 429, 5xx and connection failures. */
function isRetryableError(error: unknown): boolean {
  if (!APICallError.isInstance(error)) return false;
  const status = error.statusCode;
  if (status === undefined) return error.isRetryable;
  return status === 429 || status >= 500;
}

/**
 * The wait the server asked for, in milliseconds: `retry-after-ms`, else `Retry-After` as seconds
 * or as an HTTP date. Undefined when absent or unreadable.
 */
export function retryAfterMs(error: unknown, clock: RetryClock = systemClock): number | undefined {
  if (!APICallError.isInstance(error) || !error.responseHeaders) return undefined;
  const headers = Object.fromEntries(
    Object.entries(error.responseHeaders).map(([name, value]) => [name.toLowerCase(), value]),
  );
  const milliseconds = headers["retry-after-ms"];
  if (milliseconds !== undefined) {
    const value = Number.parseFloat(milliseconds);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const retryAfter = headers["retry-after"]?.trim();
  if (retryAfter === undefined || retryAfter === "") return undefined;
  if (/^\d+(\.\d+)?$/.test(retryAfter)) return Number.parseFloat(retryAfter) * 1000;
  const date = Date.parse(retryAfter);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - clock.now());
}

function describeError(error: unknown): string {
  if (error instanceof AttemptTimeoutError) return error.message;
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    const message = redactSecrets(truncate(error.message, 200));
    if (status === undefined) return `connection failed: ${message}`;
    const statusLine = `${status} ${STATUS_CODES[status] ?? ""}`.trim();
    return message && message !== statusLine ? `${statusLine}: ${message}` : statusLine;
  }
  return redactSecrets(truncate(error instanceof Error ? error.message : String(error), 200));
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
