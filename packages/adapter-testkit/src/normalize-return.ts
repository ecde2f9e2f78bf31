import type { AgentRole, JudgeResult, ModelMessage } from "@scenario/spec";
import { AdapterConformanceError } from "./adapter-conformance-error";

const MESSAGE_ROLES = new Set(["user", "assistant", "system", "tool"]);

/** What an adapter's return amounts to, by the `AgentReturn` contract. */
export type ConformingReturn =
  | { kind: "messages"; messages: ModelMessage[] }
  | { kind: "verdict"; verdict: JudgeResult };

function isModelMessage(value: unknown): value is ModelMessage {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const candidate = value as { role?: unknown; content?: unknown };
  return (
    typeof candidate.role === "string" &&
    MESSAGE_ROLES.has(candidate.role) &&
    (typeof candidate.content === "string" || Array.isArray(candidate.content))
  );
}

function isJudgeResult(value: unknown): value is JudgeResult {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<JudgeResult>;
  return (
    typeof candidate.success === "boolean" &&
    Array.isArray(candidate.metCriteria) &&
    Array.isArray(candidate.unmetCriteria)
  );
}

function describe(value: unknown): string {
  if (value === undefined) return "undefined";
  try {
    return JSON.stringify(value)?.slice(0, 200) ?? String(value);
  } catch {
    return String(value);
  }
}

/**
 * Applies the `AgentReturn` contract the way core does (a string becomes one message of the
 * caller's side, a message is wrapped, an array is kept, null adds nothing) and throws an
 * `AdapterConformanceError` for anything else. Keeping our own copy lets the kit run without core.
 */
export function normalizeReturn(returned: unknown, role: AgentRole, adapterName: string): ConformingReturn {
  const side = role === "User" ? "user" : "assistant";
  if (returned === null) return { kind: "messages", messages: [] };
  if (typeof returned === "string")
    return { kind: "messages", messages: [{ role: side, content: returned }] };
  if (Array.isArray(returned)) {
    const invalidIndex = returned.findIndex((item) => !isModelMessage(item));
    if (invalidIndex === -1) return { kind: "messages", messages: returned as ModelMessage[] };
    throw new AdapterConformanceError(
      `${adapterName}.call() returned an array whose item ${invalidIndex} is not a message: ` +
        `${describe(returned[invalidIndex])}. Each item needs a role (user, assistant, system, tool) and content.`,
    );
  }
  if (isJudgeResult(returned)) return { kind: "verdict", verdict: returned };
  if (isModelMessage(returned)) return { kind: "messages", messages: [returned] };
  throw new AdapterConformanceError(
    `${adapterName}.call() returned ${describe(returned)}, which is not an AgentReturn. Return a string, ` +
      `a message ({ role, content }), an array of messages, a judge result, or null.`,
  );
}
