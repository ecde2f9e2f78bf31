import { context, type TracerProvider, trace } from "@opentelemetry/api";
import type { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import type { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import type * as SdkTrace from "@opentelemetry/sdk-trace";
import {
  ConfigurationError,
  getScenarioInstrumentation,
  registerScenarioInstrumentation,
} from "@scenario/spec";
import { AgentSpanCollector } from "./agent-span-collector";
import { createAiSdkTelemetry } from "./ai-sdk-telemetry";
import { loadOptionalPeer } from "./load-optional-peer";
import { OtelInstrumentation } from "./otel-instrumentation";

/** Options of `setupScenarioTracing()`. */
export interface ScenarioTracingOptions {
  /**
   * The OTLP/HTTP collector's base URL (Jaeger, Grafana Tempo, LangWatch, Langfuse…); `/v1/traces`
   * is appended unless the URL already ends with it.
   * @default the OTEL_EXPORTER_OTLP_TRACES_ENDPOINT or OTEL_EXPORTER_OTLP_ENDPOINT variable; without either, nothing is exported
   */
  endpoint?: string;
  /** Headers of the OTLP requests (an API key for a hosted collector). Never logged. */
  headers?: Record<string, string>;
  /** Exports to this exporter instead of OTLP (an `InMemorySpanExporter` in tests). */
  exporter?: SdkTrace.SpanExporter;
  /** More span processors for the provider Scenario creates. */
  spanProcessors?: SdkTrace.SpanProcessor[];
  /**
   * Your own tracer provider: Scenario's spans go through it and no exporter is configured. Add
   * an `AgentSpanCollector` to its span processors and pass it as `agentSpanCollector` for the
   * judge to read the agent's spans (`judgeAgent({ traces: true })`).
   */
  tracerProvider?: TracerProvider;
  /** The collector added to your own `tracerProvider`'s span processors. */
  agentSpanCollector?: AgentSpanCollector;
  /**
   * Registers the provider as OpenTelemetry's global one, so the agent's own spans
   * (`trace.getTracer(…)`) go through it and land under their turn.
   * @default true
   */
  registerGlobal?: boolean;
  /** The most agent spans kept per run for the judge. @default 1000 */
  maxSpansPerRun?: number;
  /**
   * Traces the judge's and user simulator's LLM calls as spans of their own. AI SDK 6 does it
   * itself; AI SDK 7 needs the optional package `@ai-sdk/otel` (a warning says so when it is
   * missing). `false` leaves them traced only by their agent-call spans.
   * @default true
   */
  aiSdkTelemetry?: boolean;
}

/** What `setupScenarioTracing()` returns. */
export interface ScenarioTracingHandle {
  /** The provider Scenario's spans go through. */
  readonly tracerProvider: TracerProvider;
  /** Ends the current suite span and exports every finished span. */
  forceFlush(): Promise<void>;
  /** Flushes, shuts the provider down (when Scenario created it) and unregisters the instrumentation. */
  shutdown(): Promise<void>;
}

const TRACER_NAME = "@scenario/tracing";
const AI_SDK_TRACER_NAME = "ai";
const SETUP = "setupScenarioTracing()";

/**
 * Traces every scenario run with OpenTelemetry: a suite span, then per run the run, each turn and
 * each agent call (the judge's and user simulator's too), with ids, role, turn, tokens, cost,
 * verdict and errors as attributes. Agent calls run inside their span's context, so the agent's
 * own spans (and an HTTP agent's `traceparent`) land under their turn. Exports over OTLP/HTTP to
 * `endpoint`, or to `exporter`, or goes through your own `tracerProvider`. Call it once, before
 * the runs (a vitest setup file, the top of `scenario.config.ts`), and `shutdown()` at the end.
 *
 * @example
 * const tracing = setupScenarioTracing({ endpoint: "http://localhost:4318" });
 * // … run scenarios …
 * await tracing.shutdown();
 */
export function setupScenarioTracing(options: ScenarioTracingOptions = {}): ScenarioTracingHandle {
  if (getScenarioInstrumentation() !== undefined) {
    throw new ConfigurationError(
      `${SETUP} was called while tracing is already set up. Call shutdown() on the first handle before setting it up again.`,
    );
  }
  // Everything that can fail (a missing package, a bad endpoint) comes before any global is set.
  const own = options.tracerProvider === undefined ? createProvider(options) : undefined;
  const provider = own?.provider ?? (options.tracerProvider as TracerProvider);
  const collector = own?.collector ?? options.agentSpanCollector;
  const aiSdkTelemetry =
    options.aiSdkTelemetry === false ? [] : createAiSdkTelemetry(provider.getTracer(AI_SDK_TRACER_NAME));
  const contextManager = registerContextManager();
  let globalRegistered = false;
  if (options.registerGlobal !== false) {
    globalRegistered = trace.setGlobalTracerProvider(provider);
    if (!globalRegistered) {
      console.warn(
        `[scenario] ${SETUP}: another global tracer provider is already registered, so the agent's own spans go there and the judge cannot read them. Pass that provider as \`tracerProvider\`.`,
      );
    }
  }
  const exportPending = () => (own ? own.provider.forceFlush() : Promise.resolve());
  const instrumentation = new OtelInstrumentation(
    provider.getTracer(TRACER_NAME),
    collector,
    exportPending,
    aiSdkTelemetry,
  );
  registerScenarioInstrumentation(instrumentation);

  let shutDown = false;
  return {
    tracerProvider: provider,
    forceFlush: () => instrumentation.flush(),
    async shutdown() {
      if (shutDown) return;
      shutDown = true;
      try {
        await instrumentation.flush();
        await own?.provider.shutdown();
      } finally {
        if (getScenarioInstrumentation() === instrumentation) registerScenarioInstrumentation(undefined);
        if (globalRegistered) trace.disable();
        if (contextManager) {
          contextManager.disable();
          context.disable();
        }
      }
    },
  };
}

/**
 * Registers an AsyncLocalStorage context manager unless one is registered, so the active span
 * follows the awaits of an agent call. Returns it when this call registered it.
 */
function registerContextManager(): AsyncLocalStorageContextManager | undefined {
  const { AsyncLocalStorageContextManager } = loadOptionalPeer<
    typeof import("@opentelemetry/context-async-hooks")
  >("@opentelemetry/context-async-hooks", SETUP);
  const manager = new AsyncLocalStorageContextManager().enable();
  if (context.setGlobalContextManager(manager)) return manager;
  manager.disable();
  return undefined;
}

function createProvider(options: ScenarioTracingOptions): {
  provider: SdkTrace.TracerProvider;
  collector: AgentSpanCollector;
} {
  const sdk = loadOptionalPeer<typeof SdkTrace>("@opentelemetry/sdk-trace", SETUP);
  const collector = new AgentSpanCollector({ maxSpansPerRun: options.maxSpansPerRun });
  const spanProcessors: SdkTrace.SpanProcessor[] = [collector, ...(options.spanProcessors ?? [])];
  const exporter = options.exporter ?? createOtlpExporter(options);
  if (exporter) spanProcessors.push(new sdk.BatchSpanProcessor({ exporter }));
  return { provider: new sdk.TracerProvider({ spanProcessors }), collector };
}

function createOtlpExporter(options: ScenarioTracingOptions): SdkTrace.SpanExporter | undefined {
  const fromEnvironment =
    process.env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT || process.env.OTEL_EXPORTER_OTLP_ENDPOINT;
  if (options.endpoint === undefined && !fromEnvironment) return undefined;
  const otlp = loadOptionalPeer<{ OTLPTraceExporter: typeof OTLPTraceExporter }>(
    "@opentelemetry/exporter-trace-otlp-http",
    `${SETUP} with an OTLP endpoint`,
  );
  // Without `url`, the exporter reads the OTEL_EXPORTER_OTLP_* variables itself (headers too).
  return new otlp.OTLPTraceExporter({
    ...(options.endpoint === undefined ? {} : { url: tracesUrl(options.endpoint) }),
    ...(options.headers === undefined ? {} : { headers: options.headers }),
  });
}

function tracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch (error) {
    throw new ConfigurationError(
      `${SETUP}: endpoint ${JSON.stringify(endpoint)} is not a URL. Pass the collector's base URL, e.g. "http://localhost:4318".`,
      { cause: error },
    );
  }
  const base = url.toString().replace(/\/+$/, "");
  return base.endsWith("/v1/traces") ? base : `${base}/v1/traces`;
}
