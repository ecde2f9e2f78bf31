import type { Context, HrTime } from "@opentelemetry/api";
import type { ReadableSpan, Span, SpanProcessor } from "@opentelemetry/sdk-trace";
import {
  AgentRole,
  SCENARIO_SPAN_ATTRIBUTES as ATTR,
  type ScenarioSpanAttributeValue,
  type TraceSpanRecord,
} from "@scenario/spec";

/** Options of `AgentSpanCollector`. */
export interface AgentSpanCollectorOptions {
  /** The most spans kept per run; the oldest are dropped past it. @default 1000 */
  maxSpansPerRun?: number;
  /** The most runs kept; the oldest run's spans are dropped past it. @default 50 */
  maxRuns?: number;
}

/** Where a span sits: its run's span id, and the role of the agent call it is under, if any. */
interface SpanPlace {
  runSpanId: string;
  role: string | undefined;
}

/**
 * A span processor that keeps, per scenario run, the finished spans of the agent under test (its
 * agent-call spans and everything under them), so the judge can read them through the
 * instrumentation contract without importing OpenTelemetry. Bounded in spans per run and in runs.
 */
export class AgentSpanCollector implements SpanProcessor {
  private readonly places = new Map<string, SpanPlace>();
  private readonly runs = new Map<string, TraceSpanRecord[]>();
  private readonly maxSpansPerRun: number;
  private readonly maxRuns: number;

  constructor(options: AgentSpanCollectorOptions = {}) {
    this.maxSpansPerRun = options.maxSpansPerRun ?? 1000;
    this.maxRuns = options.maxRuns ?? 50;
  }

  /** Places the span in its run (a run span starts one; others inherit their parent's place). */
  onStart(span: Span, _parentContext: Context): void {
    const spanId = span.spanContext().spanId;
    const kind = span.attributes[ATTR.kind];
    if (kind === "run") {
      this.places.set(spanId, { runSpanId: spanId, role: undefined });
      this.runs.set(spanId, []);
      this.dropOldRuns();
      return;
    }
    const parentId = span.parentSpanContext?.spanId;
    const parent = parentId === undefined ? undefined : this.places.get(parentId);
    if (!parent) return;
    const role = kind === "agent-call" ? String(span.attributes[ATTR.role] ?? "") : parent.role;
    this.places.set(spanId, { runSpanId: parent.runSpanId, role });
  }

  /** Keeps the span when it belongs to the agent under test. */
  onEnd(span: ReadableSpan): void {
    const spanId = span.spanContext().spanId;
    const place = this.places.get(spanId);
    if (!place) return;
    // A run's spans stay readable after it ended (bounded by maxRuns); only the lookup entry goes.
    this.places.delete(spanId);
    if (place.role !== AgentRole.AGENT) return;
    const spans = this.runs.get(place.runSpanId);
    if (!spans) return;
    spans.push(toRecord(span));
    if (spans.length > this.maxSpansPerRun) spans.splice(0, spans.length - this.maxSpansPerRun);
  }

  /** The agent's finished spans in the run the span `spanId` belongs to; undefined when it is in none. */
  agentSpansAround(spanId: string): readonly TraceSpanRecord[] | undefined {
    const place = this.places.get(spanId);
    if (!place) return undefined;
    return [...(this.runs.get(place.runSpanId) ?? [])];
  }

  /** Nothing is buffered for export. */
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  /** Drops everything kept. */
  shutdown(): Promise<void> {
    this.places.clear();
    this.runs.clear();
    return Promise.resolve();
  }

  private dropOldRuns(): void {
    for (const runSpanId of this.runs.keys()) {
      if (this.runs.size <= this.maxRuns) return;
      this.runs.delete(runSpanId);
    }
  }
}

function toRecord(span: ReadableSpan): TraceSpanRecord {
  const status = span.status.code === 2 ? "error" : span.status.code === 1 ? "ok" : "unset";
  return {
    spanId: span.spanContext().spanId,
    parentSpanId: span.parentSpanContext?.spanId,
    name: span.name,
    startTimeMs: hrTimeToMs(span.startTime),
    durationMs: hrTimeToMs(span.duration),
    status,
    statusMessage: status === "error" ? span.status.message : undefined,
    attributes: plainAttributes(span.attributes),
    events: span.events.map((event) => ({
      name: event.name,
      timeMs: hrTimeToMs(event.time),
      attributes: plainAttributes(event.attributes ?? {}),
    })),
  };
}

function hrTimeToMs([seconds, nanoseconds]: HrTime): number {
  return seconds * 1000 + nanoseconds / 1e6;
}

function plainAttributes(attributes: Record<string, unknown>): Record<string, ScenarioSpanAttributeValue> {
  const plain: Record<string, ScenarioSpanAttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) {
    if (value === undefined || value === null) continue;
    plain[key] = value as ScenarioSpanAttributeValue;
  }
  return plain;
}
