import { STATUS_CODES } from "node:http";
import { APICallError, JSONParseError, TypeValidationError } from "@ai-sdk/provider";
import { isScenarioError, ModelCallError } from "@scenario/spec";
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
   * Attempts in all, the first included. Only transient failures are retried: rate limits (429),
   * 408, 409, server errors (5xx), timeouts, dropped connections, and responses that arrived
   * malformed or cut off. Other 4xx errors are not.
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
   * The time limit of one attempt; a slower attempt is aborted and counts as failed. With the
   * defaults, a provider that never answers fails a call after 3 × 60 s + 1 s + 2 s = 183 s.
   * @default 60000
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

/** The defaults of `RetryOptions`: a hung provider fails a call after about three minutes. */
export const DEFAULT_RETRY_OPTIONS = {
  maxAttempts: 3,
  initialDelayMs: 1000,
  maxDelayMs: 30_000,
  timeoutMs: 60_000,
} as const satisfies RetryOptions;

const DEFAULTS = DEFAULT_RETRY_OPTIONS;

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
 * Runs a model call with bounded retries: rate limits (429), 408, 409, server errors (5xx),
 * timeouts, dropped connections and malformed or cut-off responses are retried with exponential backoff that honours `Retry-After` and
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
    const retryable = timedOut || isTransientModelError(error);
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

// Node's and undici's codes for a connection that broke before or while the response arrived.
const CONNECTION_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "EPIPE",
  "ETIMEDOUT",
  "EAI_AGAIN",
  "UND_ERR_SOCKET",
  "UND_ERR_CLOSED",
  "UND_ERR_CONNECT_TIMEOUT",
  "UND_ERR_HEADERS_TIMEOUT",
  "UND_ERR_BODY_TIMEOUT",
]);

/**
 * True for errors worth another attempt. The AI SDK (6 and 7 alike) wraps what happens on the wire
 * in an `APICallError`: a status of 408, 409, 429 or 5xx; no status when the connection failed; a
 * 2xx status when the response arrived but could not be read (malformed JSON, a body or stream cut
 * off). Unwrapped, the same faults surface as the parse errors themselves or as a connection error
 * somewhere in the `cause` chain.
 */
export function isTransientModelError(error: unknown): boolean {
  if (APICallError.isInstance(error)) {
    const status = error.statusCode;
    if (status === undefined) return error.isRetryable || hasConnectionCause(error);
    if (status >= 200 && status < 300) return true;
    return status === 408 || status === 409 || status === 429 || status >= 500;
  }
  if (JSONParseError.isInstance(error) || TypeValidationError.isInstance(error)) return true;
  if (hasAiSdkMarker(error, "AI_NoObjectGeneratedError")) return true;
  return hasConnectionCause(error);
}

// The AI SDK's own `isInstance()` checks this marker; read directly, it needs no import of a class
// that `ai` 6 and 7 may export from different places.
function hasAiSdkMarker(error: unknown, name: string): boolean {
  const marker = Symbol.for(`vercel.ai.error.${name}`);
  return typeof error === "object" && error !== null && (error as Record<symbol, unknown>)[marker] === true;
}

function hasConnectionCause(error: unknown): boolean {
  for (let current = error, depth = 0; current instanceof Error && depth < 6; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === "string" && CONNECTION_ERROR_CODES.has(code)) return true;
    // undici ends a body cut off mid-way with a bare TypeError("terminated"); node:http says "socket hang up".
    if (current.name === "TypeError" && current.message === "terminated") return true;
    if (current.message === "socket hang up") return true;
    current = current.cause;
  }
  return false;
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
    if (status === undefined) return `connection failed: ${message}${causeText(error)}`;
    if (status >= 200 && status < 300) return `unreadable response (${message}${causeText(error)})`;
    const statusLine = `${status} ${STATUS_CODES[status] ?? ""}`.trim();
    return message && message !== statusLine ? `${statusLine}: ${message}` : statusLine;
  }
  return redactSecrets(truncate(error instanceof Error ? error.message : String(error), 200));
}

/** The first line of the innermost cause, where the AI SDK hides what actually went wrong. */
function causeText(error: Error): string {
  let cause: unknown = error.cause;
  while (cause instanceof Error && cause.cause instanceof Error) cause = cause.cause;
  if (!(cause instanceof Error) || !cause.message) return "";
  const firstLine = cause.message.split("\n")[0] ?? "";
  return `: ${redactSecrets(truncate(firstLine, 120))}`;
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength - 1)}…` : text;
}
