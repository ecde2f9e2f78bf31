import { InvalidAgentReturnError, type JudgeResult, type ModelMessage } from "@scenario/spec";
import { describeValue } from "./describe-value";

const MESSAGE_ROLES = new Set(["user", "assistant", "system", "tool"]);

/** What an agent's return amounts to. */
export type NormalizedAgentReturn =
  | { kind: "messages"; messages: ModelMessage[] }
  | { kind: "verdict"; verdict: JudgeResult };

/** True for an object shaped like a `JudgeResult`. */
export function isJudgeResult(value: unknown): value is JudgeResult {
  if (value === null || typeof value !== "object") return false;
  const candidate = value as Partial<JudgeResult>;
  return (
    typeof candidate.success === "boolean" &&
    Array.isArray(candidate.metCriteria) &&
    Array.isArray(candidate.unmetCriteria)
  );
}

/** True for an object shaped like a `ModelMessage`. */
export function isModelMessage(value: unknown): value is ModelMessage {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return false;
  const candidate = value as { role?: unknown; content?: unknown };
  return (
    typeof candidate.role === "string" &&
    MESSAGE_ROLES.has(candidate.role) &&
    (typeof candidate.content === "string" || Array.isArray(candidate.content))
  );
}

/**
 * Turns an agent's return into messages to append or a verdict, following the `AgentReturn`
 * contract, and rejects anything else with an error naming the adapter and what it returned.
 */
export function normalizeAgentReturn(
  returned: unknown,
  side: "user" | "assistant",
  adapterName: string,
): NormalizedAgentReturn {
  if (returned === null) return { kind: "messages", messages: [] };
  if (typeof returned === "string")
    return { kind: "messages", messages: [{ role: side, content: returned }] };
  if (Array.isArray(returned)) {
    const invalidIndex = returned.findIndex((item) => !isModelMessage(item));
    if (invalidIndex === -1) return { kind: "messages", messages: returned as ModelMessage[] };
    throw invalidReturn(
      adapterName,
      `an array whose item ${invalidIndex} is ${describeValue(returned[invalidIndex])}`,
    );
  }
  if (isJudgeResult(returned)) return { kind: "verdict", verdict: returned };
  if (isModelMessage(returned)) return { kind: "messages", messages: [returned] };
  throw invalidReturn(adapterName, describeValue(returned));
}

function invalidReturn(adapterName: string, what: string): InvalidAgentReturnError {
  return new InvalidAgentReturnError(
    `[${adapterName}] call() returned ${what}, which is not a valid agent return. Return a string, ` +
      `a message ({ role, content }), an array of messages, a judge result ` +
      `({ success, reasoning, metCriteria, unmetCriteria }), or null (or []) to add nothing.`,
  );
}
