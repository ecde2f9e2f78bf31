/** How `postWithRetry()` sends a request. */
export interface PostWithRetryOptions {
  url: string;
  headers: Record<string, string>;
  body: string;
  /** Aborts every attempt and every wait (the run's cancellation, an interrupt). */
  signal: AbortSignal;
  /** The limit of one attempt, reading the body included, in milliseconds. */
  timeoutMs: number;
  /** How many times a 429 or 5xx answer is retried. */
  retries: number;
  /** The first retry's wait, doubled for each next one, in milliseconds. */
  retryDelayMs: number;
  /** The longest wait, `Retry-After` included, in milliseconds. */
  maxRetryDelayMs: number;
  fetch: typeof fetch;
  /** Removes secrets from the error body kept on `HttpStatusError`. */
  redact: (text: string) => string;
}

/** The server answered with an error status, after the retries. */
export class HttpStatusError extends Error {
  constructor(
    readonly status: number,
    readonly bodyText: string,
    readonly attempts: number,
  ) {
    super(`answered HTTP ${status}${attempts > 1 ? ` after ${attempts} attempts` : ""}`);
    this.name = "HttpStatusError";
  }
}

/** An attempt took longer than `timeoutMs`. */
export class HttpTimeoutError extends Error {
  constructor(readonly timeoutMs: number) {
    super(`did not answer within ${timeoutMs} ms (the \`timeoutMs\` option)`);
    this.name = "HttpTimeoutError";
  }
}

/** The wait before retry number `attempt` (0-based): `Retry-After` when the server sent one. */
function retryDelayOf(response: Response, attempt: number, options: PostWithRetryOptions): number {
  const retryAfter = response.headers.get("retry-after");
  let delayMs = options.retryDelayMs * 2 ** attempt;
  if (retryAfter !== null) {
    const seconds = Number(retryAfter);
    const date = Date.parse(retryAfter);
    if (Number.isFinite(seconds)) delayMs = seconds * 1000;
    else if (Number.isFinite(date)) delayMs = date - Date.now();
  }
  return Math.min(Math.max(0, delayMs), options.maxRetryDelayMs);
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener("abort", onAbort, { once: true });
  });
}

/**
 * POSTs `body`, retrying 429 and 5xx answers with exponential backoff (or the server's
 * `Retry-After`). Resolves with the first OK response and the signal that bounds reading its body
 * (the attempt's timeout joined with `signal`); rejects with `HttpStatusError` when the retries
 * run out or the status is not retryable, and `HttpTimeoutError` when an attempt times out.
 */
export async function postWithRetry(
  options: PostWithRetryOptions,
): Promise<{ response: Response; signal: AbortSignal }> {
  for (let attempt = 0; ; attempt++) {
    const timeout = AbortSignal.timeout(options.timeoutMs);
    const signal = AbortSignal.any([options.signal, timeout]);
    let response: Response;
    try {
      response = await options.fetch(options.url, {
        method: "POST",
        headers: options.headers,
        body: options.body,
        signal,
      });
    } catch (error) {
      if (timeout.aborted && !options.signal.aborted) throw new HttpTimeoutError(options.timeoutMs);
      throw error;
    }
    if (response.ok) return { response, signal };
    const retryable = response.status === 429 || response.status >= 500;
    if (!retryable || attempt >= options.retries) {
      const bodyText = options.redact(await response.text().catch(() => ""));
      throw new HttpStatusError(response.status, bodyText, attempt + 1);
    }
    await response.body?.cancel().catch(() => undefined);
    await sleep(retryDelayOf(response, attempt, options), options.signal);
  }
}
