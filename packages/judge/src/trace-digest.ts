import { SCENARIO_SPAN_ATTRIBUTES as ATTR, type TraceSpanRecord } from "@scenario/spec";

/** How long one attribute value may be in the digest, in characters. */
const DIGEST_VALUE_CHARS = 120;
/** How long one attribute value may be when a span is expanded. */
const EXPANDED_VALUE_CHARS = 2000;
/** The most spans `grep_trace` lists. */
const GREP_MAX_SPANS = 50;
/** Characters per token, for the digest's budget (a rough rule that holds for English and JSON). */
const CHARS_PER_TOKEN = 4;

/** Options of the trace digest. */
export interface TraceDigestOptions {
  /** The digest's budget in tokens; spans past it are left out with a note. */
  maxTokens: number;
}

/**
 * A compact, indented tree of the agent's spans for the judge: per agent call its turn and
 * latency, then each span with its id (for `expand_trace`), duration, status and attributes,
 * values truncated. Stops at the token budget and says how many spans it left out.
 */
export function renderTraceDigest(spans: readonly TraceSpanRecord[], options: TraceDigestOptions): string {
  if (spans.length === 0) return "(The agent recorded no spans in this run.)";
  const budget = options.maxTokens * CHARS_PER_TOKEN;
  const lines: string[] = [];
  let used = 0;
  let shown = 0;
  for (const { span, depth } of depthFirst(spans)) {
    const line = `${"  ".repeat(depth)}${spanLine(span, DIGEST_VALUE_CHARS)}`;
    if (used + line.length + 1 > budget) break;
    lines.push(line);
    used += line.length + 1;
    shown += 1;
  }
  if (shown < spans.length) {
    lines.push(
      `… ${spans.length - shown} more span(s) not shown (digest budget). Use grep_trace or expand_trace to read them.`,
    );
  }
  return lines.join("\n");
}

/** The spans `spanIds` in full (attributes, events, status), for the `expand_trace` tool. */
export function expandTrace(spans: readonly TraceSpanRecord[], spanIds: readonly string[]): string {
  const byId = new Map(spans.map((span) => [span.spanId, span]));
  return spanIds
    .map((spanId) => {
      const span = byId.get(spanId);
      if (!span) return `No span with id ${spanId}. The ids are the [bracketed] values in the trace digest.`;
      const events = span.events.map((event) =>
        `  event ${event.name} ${formatAttributes(event.attributes, EXPANDED_VALUE_CHARS)}`.trimEnd(),
      );
      return [
        `[${span.spanId}] ${span.name}`,
        `  parent: ${span.parentSpanId ?? "none"}`,
        `  duration: ${formatMs(span.durationMs)}`,
        `  status: ${span.status}${span.statusMessage ? ` (${span.statusMessage})` : ""}`,
        ...Object.entries(span.attributes).map(
          ([key, value]) => `  ${key} = ${truncate(stringify(value), EXPANDED_VALUE_CHARS)}`,
        ),
        ...events,
      ].join("\n");
    })
    .join("\n\n");
}

/**
 * The spans whose name, attributes, events or status match `pattern` (a case-insensitive regular
 * expression, or literal text when it is not a valid one), with how many match, for `grep_trace`.
 */
export function grepTrace(spans: readonly TraceSpanRecord[], pattern: string): string {
  let matcher: (text: string) => boolean;
  try {
    const expression = new RegExp(pattern, "i");
    matcher = (text) => expression.test(text);
  } catch {
    const needle = pattern.toLowerCase();
    matcher = (text) => text.toLowerCase().includes(needle);
  }
  const matching = spans.filter((span) => matcher(searchableText(span)));
  if (matching.length === 0) return `0 spans match ${JSON.stringify(pattern)}.`;
  const listed = matching.slice(0, GREP_MAX_SPANS).map((span) => spanLine(span, 300));
  const more = matching.length > GREP_MAX_SPANS ? `\n… and ${matching.length - GREP_MAX_SPANS} more.` : "";
  return `${matching.length} span(s) match ${JSON.stringify(pattern)}:\n${listed.join("\n")}${more}`;
}

function spanLine(span: TraceSpanRecord, valueChars: number): string {
  const isCall = span.attributes[ATTR.kind] === "agent-call";
  const label = isCall ? `agent call (turn ${String(span.attributes[ATTR.turn] ?? "?")})` : span.name;
  const status =
    span.status === "error" ? ` ERROR${span.statusMessage ? `: ${span.statusMessage}` : ""}` : "";
  const attributes = isCall ? "" : formatAttributes(span.attributes, valueChars);
  return `[${span.spanId}] ${label} ${formatMs(span.durationMs)}${status}${attributes ? ` ${attributes}` : ""}`;
}

function formatAttributes(attributes: TraceSpanRecord["attributes"], valueChars: number): string {
  return Object.entries(attributes)
    .filter(([key]) => !key.startsWith("scenario."))
    .map(([key, value]) => `${key}=${truncate(stringify(value), valueChars)}`)
    .join(" ");
}

function searchableText(span: TraceSpanRecord): string {
  const events = span.events.map((event) => `${event.name} ${formatAttributes(event.attributes, Infinity)}`);
  return [span.name, formatAttributes(span.attributes, Infinity), span.statusMessage ?? "", ...events].join(
    " ",
  );
}

/** The spans in tree order (parents before children, siblings by start time), with their depth. */
function depthFirst(spans: readonly TraceSpanRecord[]): Array<{ span: TraceSpanRecord; depth: number }> {
  const ids = new Set(spans.map((span) => span.spanId));
  const children = new Map<string | undefined, TraceSpanRecord[]>();
  for (const span of spans) {
    // A span whose parent is not among the agent's spans (its agent call's turn) is a root here.
    const parent =
      span.parentSpanId !== undefined && ids.has(span.parentSpanId) ? span.parentSpanId : undefined;
    children.set(parent, [...(children.get(parent) ?? []), span]);
  }
  const ordered: Array<{ span: TraceSpanRecord; depth: number }> = [];
  const visit = (parent: string | undefined, depth: number) => {
    const siblings = [...(children.get(parent) ?? [])].sort((a, b) => a.startTimeMs - b.startTimeMs);
    for (const span of siblings) {
      ordered.push({ span, depth });
      visit(span.spanId, depth + 1);
    }
  };
  visit(undefined, 0);
  return ordered;
}

function stringify(value: unknown): string {
  return typeof value === "string" ? value : JSON.stringify(value);
}

function truncate(text: string, limit: number): string {
  return text.length <= limit ? text : `${text.slice(0, limit)}… (${text.length - limit} more chars)`;
}

function formatMs(durationMs: number): string {
  return `${durationMs < 10 ? durationMs.toFixed(1) : Math.round(durationMs)}ms`;
}
