/**
 * The version of the instrumentation contract this package describes. An instrumentation declares
 * the version it implements, so a later contract can be added beside this one.
 */
export const INSTRUMENTATION_SPECIFICATION_VERSION = "scenario.instrumentation.v1" as const;

/** The instrumentation contract versions a core release may accept. */
export type InstrumentationSpecificationVersion = typeof INSTRUMENTATION_SPECIFICATION_VERSION;

/**
 * What a span stands for: the whole suite (a CLI run), one scenario run, one turn of it, or one
 * call of a participant (the agent under test, the user simulator or the judge; see the `role`
 * attribute).
 */
export type ScenarioSpanKind = "suite" | "run" | "turn" | "agent-call";

/** A span attribute's value, as OpenTelemetry accepts it. */
export type ScenarioSpanAttributeValue = string | number | boolean | string[] | number[] | boolean[];

/** Span attributes; `undefined` values are left out, so callers can spread optional fields. */
export type ScenarioSpanAttributes = Record<string, ScenarioSpanAttributeValue | undefined>;

/**
 * The attribute names Scenario's spans carry, so exporters, dashboards and the judge's trace
 * digest agree on them. Never put an API key or a header value in an attribute.
 */
export const SCENARIO_SPAN_ATTRIBUTES = {
  /** The span's kind (`ScenarioSpanKind`). */
  kind: "scenario.span.kind",
  /** The scenario's id. */
  scenarioId: "scenario.id",
  /** The scenario's name. */
  scenarioName: "scenario.name",
  /** The scenario set's id. */
  setId: "scenario.set.id",
  /** The run's id (`ScenarioResult.runId`). */
  runId: "scenario.run.id",
  /** The batch's id: one per process or CLI invocation. */
  batchId: "scenario.batch.id",
  /** The conversation's thread id. */
  threadId: "scenario.thread.id",
  /** The participant's role on an agent call: `Agent`, `User` or `Judge`. */
  role: "scenario.role",
  /** The participant's display name on an agent call. */
  agentName: "scenario.agent.name",
  /** The turn, from 0. */
  turn: "scenario.turn",
  /** Input tokens recorded during the span (an agent call or a whole run). */
  inputTokens: "scenario.usage.input_tokens",
  /** Output tokens recorded during the span. */
  outputTokens: "scenario.usage.output_tokens",
  /** Cost in US dollars, when known. */
  costUsd: "scenario.usage.cost_usd",
  /** The run's status (`ScenarioRunStatus`). */
  status: "scenario.status",
  /** The run's verdict: `success`, `failure` or `inconclusive`. */
  verdict: "scenario.verdict",
  /** The error that ended the run, when one did. */
  error: "scenario.error",
} as const;

/** A span opened through an instrumentation. Every method is safe to call after `end()` (it does nothing). */
export interface ScenarioSpan {
  /** Adds or replaces attributes (tokens, verdict…); `undefined` values are skipped. */
  setAttributes(attributes: ScenarioSpanAttributes): void;
  /** Marks the span as failed and records the error's type and message (never its `cause` chain's secrets). */
  recordError(error: unknown): void;
  /**
   * Runs `fn` with this span as the active context, so spans started inside it (the agent's own,
   * an HTTP call's `traceparent`) become its children. Returns what `fn` returns.
   */
  run<T>(fn: () => T): T;
  /** Ends the span; a second call does nothing. */
  end(): void;
}

/** One finished span of the agent under test, as plain data (no OpenTelemetry types). */
export interface TraceSpanRecord {
  /** The span id (16 hex digits). */
  spanId: string;
  /** The parent's span id, when it has one. */
  parentSpanId?: string | undefined;
  /** The span's name (`refund_api`, `chat gpt-4.1`, `scenario.agent-call`). */
  name: string;
  /** When it started, in milliseconds since the epoch. */
  startTimeMs: number;
  /** How long it took, in milliseconds. */
  durationMs: number;
  /** `error` when the span recorded a failure. */
  status: "unset" | "ok" | "error";
  /** The failure's message, when the status is `error`. */
  statusMessage?: string | undefined;
  /** The span's attributes. */
  attributes: Record<string, ScenarioSpanAttributeValue>;
  /** Its events (an exception, a log line), with their attributes. */
  events: Array<{ name: string; timeMs: number; attributes: Record<string, ScenarioSpanAttributeValue> }>;
}

/**
 * Traces a suite's runs. Core never imports OpenTelemetry: it asks the registered instrumentation
 * (see `registerScenarioInstrumentation()`) to open spans around the suite, each run, turn and
 * agent call, and runs each agent call inside its span's context so the agent's own spans nest
 * under its turn. `@scenario/tracing`'s `setupScenarioTracing()` implements it with
 * OpenTelemetry; when nothing is registered, nothing is traced and nothing is loaded.
 */
export interface ScenarioInstrumentation {
  /** The contract version it implements. */
  readonly specificationVersion: InstrumentationSpecificationVersion;
  /**
   * Opens a span. Without `parent`, its parent is the active context's span (a `run` span opened
   * inside a `suite` span's `run()` is its child).
   */
  startSpan(
    kind: ScenarioSpanKind,
    name: string,
    attributes: ScenarioSpanAttributes,
    parent?: ScenarioSpan,
  ): ScenarioSpan;
  /**
   * Writes the active span context into outgoing HTTP headers as W3C `traceparent` (and
   * `tracestate`), so an agent behind HTTP continues the trace. Does nothing without an active span.
   */
  injectTraceHeaders?(headers: Record<string, string>): void;
  /**
   * The finished spans of the agent under test in the run whose context is active (its agent
   * calls and everything under them), oldest first; `undefined` when no run is active or spans
   * are not collected. Bounded: the oldest are dropped past the instrumentation's limit.
   */
  agentSpans?(): readonly TraceSpanRecord[] | undefined;
  /** Exports what is pending; the CLI awaits it when the suite ends. */
  flush?(): Promise<void>;
  /**
   * AI SDK 7 telemetry integrations (`@ai-sdk/otel`'s `OpenTelemetry`) that the judge's and the
   * user simulator's model calls pass as `telemetry.integrations`, so each of their LLM calls is a
   * span under its agent-call span. AI SDK 6 needs none: its `experimental_telemetry` writes to
   * the global tracer provider. An empty list turns the LLM spans off on both.
   */
  readonly aiSdkTelemetry?: readonly unknown[] | undefined;
}

const INSTRUMENTATION_KEY = Symbol.for("@scenario/spec.instrumentation");

type InstrumentationHolder = { [INSTRUMENTATION_KEY]?: ScenarioInstrumentation | undefined };

/**
 * Registers the process-wide instrumentation (one slot, shared through a `Symbol.for` key so an
 * ESM and a CJS copy of every package see the same one); `undefined` removes it.
 * `setupScenarioTracing()` calls it; call it yourself to plug in another tracer.
 */
export function registerScenarioInstrumentation(instrumentation: ScenarioInstrumentation | undefined): void {
  (globalThis as InstrumentationHolder)[INSTRUMENTATION_KEY] = instrumentation;
}

/** The registered instrumentation, or `undefined` when tracing is off. */
export function getScenarioInstrumentation(): ScenarioInstrumentation | undefined {
  const instrumentation = (globalThis as InstrumentationHolder)[INSTRUMENTATION_KEY];
  return instrumentation?.specificationVersion === INSTRUMENTATION_SPECIFICATION_VERSION
    ? instrumentation
    : undefined;
}

/**
 * The tools a judge reading the agent's trace (`judgeAgent({ traces: true })`) may call before its
 * verdict: `expand_trace` shows spans in full, `grep_trace` finds spans matching a pattern. Fakes
 * that play the judge match on these names.
 */
export const JUDGE_TRACE_TOOL_NAMES = { expand: "expand_trace", grep: "grep_trace" } as const;
