import { getScenarioInstrumentation } from "@scenario/spec";
import { installedAiSdkMajor } from "./language-model";

/**
 * The AI SDK telemetry option of a participant's model call (spread it into `generateText()`), so
 * the judge's and the user simulator's LLM calls show as spans under their agent-call span.
 * - AI SDK 6: when tracing is set up (an instrumentation is registered), turns on
 *   `experimental_telemetry`; its spans (`ai.generateText`, `ai.generateText.doGenerate`) go to the
 *   global tracer provider that `setupScenarioTracing()` registers.
 * - AI SDK 7 moved telemetry to `@ai-sdk/otel`: `setupScenarioTracing()` creates its
 *   `OpenTelemetry` integration when that package is installed, and each call passes it as
 *   `telemetry.integrations` (spans `invoke_agent scenario.judge`, `chat <model>`…), leaving the
 *   global registry (`registerTelemetry()`) to the user. Without it the call is traced only by
 *   its agent-call span (role, tokens); `setupScenarioTracing()` says what to install.
 * Empty when tracing is off, so an untraced run sends exactly what it sent before.
 */
export function aiTelemetrySettings(functionId: string): Record<string, unknown> {
  const instrumentation = getScenarioInstrumentation();
  if (instrumentation === undefined) return {};
  const integrations = instrumentation.aiSdkTelemetry;
  // An empty list: tracing was set up with the LLM spans turned off (`aiSdkTelemetry: false`).
  if (integrations?.length === 0) return {};
  // Prompts and replies are recorded as the AI SDK records them; no header (and so no key) is.
  if (installedAiSdkMajor() === 6) return { experimental_telemetry: { isEnabled: true, functionId } };
  return integrations === undefined ? {} : { telemetry: { functionId, integrations } };
}
