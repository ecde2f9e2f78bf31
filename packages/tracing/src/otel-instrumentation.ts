import { context, type Span, SpanStatusCode, type Tracer, trace } from "@opentelemetry/api";
import {
  SCENARIO_SPAN_ATTRIBUTES as ATTR,
  INSTRUMENTATION_SPECIFICATION_VERSION,
  type ScenarioInstrumentation,
  type ScenarioSpan,
  type ScenarioSpanAttributes,
  type ScenarioSpanAttributeValue,
  type ScenarioSpanKind,
  type TraceSpanRecord,
} from "@scenario/spec";
import type { AgentSpanCollector } from "./agent-span-collector";

/** A `ScenarioSpan` backed by an OpenTelemetry span. */
class OtelScenarioSpan implements ScenarioSpan {
  private ended = false;

  constructor(readonly span: Span) {}

  setAttributes(attributes: ScenarioSpanAttributes): void {
    if (!this.ended) this.span.setAttributes(definedAttributes(attributes));
  }

  recordError(error: unknown): void {
    if (this.ended) return;
    const name = error instanceof Error ? error.name : "Error";
    const message = error instanceof Error ? error.message : String(error);
    // Only the name and message: a cause chain or request object could carry headers with keys.
    this.span.recordException({ name, message });
    this.span.setStatus({ code: SpanStatusCode.ERROR, message });
  }

  run<T>(fn: () => T): T {
    return context.with(trace.setSpan(context.active(), this.span), fn);
  }

  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.span.end();
  }
}

/**
 * The OpenTelemetry implementation of spec's `ScenarioInstrumentation`: spans from `tracer`, the
 * agent's spans read back from `collector`. A run opened outside any span goes under a suite span
 * opened on demand and ended by `flush()`, so every run of a suite shares one trace.
 */
export class OtelInstrumentation implements ScenarioInstrumentation {
  readonly specificationVersion = INSTRUMENTATION_SPECIFICATION_VERSION;
  private suite: OtelScenarioSpan | undefined;

  constructor(
    private readonly tracer: Tracer,
    private readonly collector: AgentSpanCollector | undefined,
    private readonly exportPending: () => Promise<void>,
    /** See spec's `ScenarioInstrumentation.aiSdkTelemetry`. */
    readonly aiSdkTelemetry?: readonly unknown[],
  ) {}

  startSpan(
    kind: ScenarioSpanKind,
    name: string,
    attributes: ScenarioSpanAttributes,
    parent?: ScenarioSpan,
  ): ScenarioSpan {
    let parentContext = context.active();
    if (parent instanceof OtelScenarioSpan) parentContext = trace.setSpan(parentContext, parent.span);
    else if (kind === "run" && trace.getSpan(parentContext) === undefined) {
      this.suite ??= new OtelScenarioSpan(
        this.tracer.startSpan("scenario.suite", { attributes: { [ATTR.kind]: "suite" } }, parentContext),
      );
      parentContext = trace.setSpan(parentContext, this.suite.span);
    }
    const span = this.tracer.startSpan(name, { attributes: definedAttributes(attributes) }, parentContext);
    return new OtelScenarioSpan(span);
  }

  injectTraceHeaders(headers: Record<string, string>): void {
    const spanContext = trace.getSpan(context.active())?.spanContext();
    if (!spanContext || !trace.isSpanContextValid(spanContext)) return;
    // W3C Trace Context: version 00, trace id, parent span id, flags (01 = sampled).
    const flags = (spanContext.traceFlags & 0xff).toString(16).padStart(2, "0");
    headers.traceparent = `00-${spanContext.traceId}-${spanContext.spanId}-${flags}`;
    const traceState = spanContext.traceState?.serialize();
    if (traceState) headers.tracestate = traceState;
  }

  agentSpans(): readonly TraceSpanRecord[] | undefined {
    const active = trace.getSpan(context.active());
    if (!active || !this.collector) return undefined;
    return this.collector.agentSpansAround(active.spanContext().spanId);
  }

  /** Ends the suite span opened on demand (the next run opens a new one) and exports what is pending. */
  flush(): Promise<void> {
    this.suite?.end();
    this.suite = undefined;
    return this.exportPending();
  }
}

function definedAttributes(attributes: ScenarioSpanAttributes): Record<string, ScenarioSpanAttributeValue> {
  const defined: Record<string, ScenarioSpanAttributeValue> = {};
  for (const [key, value] of Object.entries(attributes)) if (value !== undefined) defined[key] = value;
  return defined;
}
