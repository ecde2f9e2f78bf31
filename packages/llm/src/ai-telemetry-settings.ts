import { getScenarioInstrumentation } from "@scenario/spec";
import { installedAiSdkMajor } from "./language-model";

/**
 * The AI SDK telemetry option of a participant's model call (spread it into `generateText()`), so
 * the judge's and the user simulator's LLM calls show as spans under their agent-call span.
 * - AI SDK 6: when tracing is set up (an instrumentation is registered), turns on
 *   `experimental_telemetry`; its spans (`ai.generateText`, `ai.generateText.doGenerate`) go to the
 *   global tracer provider that `setupScenarioTracing()` registers.
 * - AI SDK 7 moved telemetry to `@ai-sdk/otel` (`registerTelemetry(new OpenTelemetry())`), on for
 *   every call once registered: nothing is passed, and without it the call is traced only by its
 *   agent-call span (role, tokens).
 * Empty when tracing is off, so an untraced run sends exactly what it sent before.
 */
export function aiTelemetrySettings(functionId: string): Record<string, unknown> {
  if (getScenarioInstrumentation() === undefined || installedAiSdkMajor() !== 6) return {};
  // Prompts and replies are recorded as the AI SDK records them; no header (and so no key) is.
  return { experimental_telemetry: { isEnabled: true, functionId } };
}
