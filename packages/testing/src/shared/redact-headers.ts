import type { IncomingHttpHeaders } from "node:http";

// Known credential headers, plus any header whose name says it carries a key, token or secret
// (x-auth-token, x-client-secret, …): the union of what both fakes used to catch.
const CREDENTIAL_HEADERS: ReadonlySet<string> = new Set([
  "authorization",
  "proxy-authorization",
  "api-key",
  "x-api-key",
  "openai-api-key",
  "cookie",
]);
const CREDENTIAL_HEADER_PATTERN = /api-key|token|secret/i;
const SCHEME_HEADERS: ReadonlySet<string> = new Set(["authorization", "proxy-authorization"]);

/** True when a (lower-cased) header name carries credentials. */
export function isCredentialHeader(name: string): boolean {
  return CREDENTIAL_HEADERS.has(name) || CREDENTIAL_HEADER_PATTERN.test(name);
}

/** Options of `redactHeaders()`. */
export interface RedactHeadersOptions {
  /** What replaces a credential, such as `"[REDACTED]"`. */
  marker: string;
  /**
   * Keep the scheme of `authorization`-style headers (`Bearer [redacted]`), so a test can see how
   * the client authenticated.
   * @default false
   */
  keepScheme?: boolean;
}

/** Request headers as one string each, with every credential replaced by the marker. */
export function redactHeaders(
  headers: IncomingHttpHeaders,
  options: RedactHeadersOptions,
): Record<string, string> {
  const redacted: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const text = Array.isArray(value) ? value.join(", ") : value;
    if (!isCredentialHeader(name)) {
      redacted[name] = text;
    } else if (options.keepScheme === true && SCHEME_HEADERS.has(name) && text.includes(" ")) {
      redacted[name] = `${text.split(" ")[0]} ${options.marker}`;
    } else {
      redacted[name] = options.marker;
    }
  }
  return redacted;
}
