import { createRequire } from "node:module";
import type { Tracer } from "@opentelemetry/api";

const localRequire = createRequire(import.meta.url);

type OtelPackage = {
  OpenTelemetry: new (options: { tracer: Tracer; agentSpanName: "functionId" }) => unknown;
};

/**
 * The AI SDK 7 telemetry integration for the judge's and user simulator's model calls:
 * `@ai-sdk/otel`'s `OpenTelemetry`, writing to `tracer` and naming each call's root span after
 * its function (`invoke_agent scenario.judge`). Returns undefined on AI SDK 6 (its
 * `experimental_telemetry` needs no integration) and when `ai` is not installed. On AI SDK 7
 * without `@ai-sdk/otel`, warns once with the install command and returns undefined: the runs
 * are still traced, the LLM calls only by their agent-call spans.
 */
export function createAiSdkTelemetry(
  tracer: Tracer,
  load: NodeJS.Require = localRequire,
): unknown[] | undefined {
  const major = installedAiMajor(load);
  if (major === undefined || major < 7) return undefined;
  let otel: OtelPackage;
  try {
    otel = load("@ai-sdk/otel") as OtelPackage;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    if (code !== "MODULE_NOT_FOUND" && code !== "ERR_MODULE_NOT_FOUND") throw error;
    console.warn(
      `[scenario] setupScenarioTracing(): AI SDK ${major} traces model calls through the optional package @ai-sdk/otel, which is not installed, so the judge's and user simulator's LLM calls show only as agent-call spans. Run \`npm install -D @ai-sdk/otel\`, or pass aiSdkTelemetry: false to silence this.`,
    );
    return undefined;
  }
  return [new otel.OpenTelemetry({ tracer, agentSpanName: "functionId" })];
}

function installedAiMajor(load: NodeJS.Require): number | undefined {
  try {
    const { version } = load("ai/package.json") as { version?: unknown };
    const major = Number.parseInt(String(version), 10);
    return Number.isFinite(major) ? major : undefined;
  } catch {
    return undefined;
  }
}
