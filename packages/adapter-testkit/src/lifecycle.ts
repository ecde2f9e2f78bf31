import { type AgentAdapter, AgentRole, type ModelMessage, type ScenarioConfig } from "@scenario/spec";
import { AdapterConformanceError } from "./adapter-conformance-error";

let lifecycleCounter = 0;

/** A message from the other side of the conversation, as the adapter of `role` would receive it. */
export function incomingMessage(role: AgentRole, text: string): ModelMessage {
  return role === AgentRole.USER ? { role: "assistant", content: text } : { role: "user", content: text };
}

/**
 * Runs `body` between one `connect()` and one `disconnect()`, as core does: `disconnect()` runs
 * after a failing body too, and must not throw either way.
 */
export async function withLifecycle<T>(
  adapter: AgentAdapter,
  body: (context: { threadId: string }) => Promise<T>,
): Promise<T> {
  const name = adapter.name ?? "unnamed adapter";
  const threadId = `thread_lifecycle_${++lifecycleCounter}`;
  const scenarioConfig: ScenarioConfig = {
    name: "adapter conformance",
    description: "",
    agents: [adapter],
    threadId,
  };
  const controller = new AbortController();
  try {
    await adapter.connect?.({ scenarioConfig, threadId, signal: controller.signal });
  } catch (error) {
    throw new AdapterConformanceError(`[${name}] connect() failed: ${messageOf(error)}`, { cause: error });
  }
  let outcome: { value: T } | { error: unknown };
  try {
    outcome = { value: await body({ threadId }) };
  } catch (error) {
    outcome = { error };
  }
  controller.abort();
  try {
    await adapter.disconnect?.();
  } catch (error) {
    const after = "error" in outcome ? "after a failed call" : "after a call";
    throw new AdapterConformanceError(
      `[${name}] disconnect() threw ${after}: ${messageOf(error)}. It must release what connect() opened ` +
        "and never throw, whatever happened before.",
      { cause: error },
    );
  }
  if ("error" in outcome) throw outcome.error;
  return outcome.value;
}

/** The error's message, or the value as text. */
export function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Where one of `secrets` shows in `error` or its causes: `"message"`, `"stack"` or `"properties"`;
 * undefined when none does.
 */
export function findSecret(error: unknown, secrets: readonly string[]): string | undefined {
  const wanted = secrets.filter((secret) => secret.length > 0);
  if (wanted.length === 0) return undefined;
  const seen = new Set<unknown>();
  for (let current: unknown = error, depth = 0; current != null && depth < 8; depth++) {
    if (seen.has(current)) break;
    seen.add(current);
    const record = current as { message?: unknown; stack?: unknown; cause?: unknown };
    const places: [string, unknown][] = [
      ["message", record.message ?? current],
      ["stack", record.stack],
      ["properties", safeJson(current)],
    ];
    for (const [place, text] of places) {
      if (typeof text === "string" && wanted.some((secret) => text.includes(secret))) return place;
    }
    current = typeof current === "object" ? record.cause : undefined;
  }
  return undefined;
}

function safeJson(value: unknown): string | undefined {
  if (typeof value !== "object" || value === null) return typeof value === "string" ? value : undefined;
  try {
    return JSON.stringify(value, Object.getOwnPropertyNames(value));
  } catch {
    return undefined;
  }
}
