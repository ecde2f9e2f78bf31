import { type AgentAdapter, AgentRole, type AgentStreamPart, type ModelMessage } from "@scenario/spec";
import { AdapterConformanceError } from "./adapter-conformance-error";
import { createAgentInput } from "./create-agent-input";
import { incomingMessage, withLifecycle } from "./lifecycle";

function fail(adapter: AgentAdapter, message: string, cause?: unknown): never {
  throw new AdapterConformanceError(
    `[${adapter.name ?? "unnamed adapter"}] ${message}`,
    cause === undefined ? {} : { cause },
  );
}

function isStreamPart(part: unknown): part is AgentStreamPart {
  const candidate = part as Partial<{ type: string; text: unknown; message: Partial<ModelMessage> }>;
  if (candidate?.type === "text-delta") return typeof candidate.text === "string";
  if (candidate?.type === "message") {
    const role = candidate.message?.role;
    return role === "assistant" || role === "tool" || role === "user";
  }
  return false;
}

/** The text of an assistant message, its text parts joined. */
function textOf(message: ModelMessage): string {
  if (message.role !== "assistant") return "";
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => (part.type === "text" ? part.text : "")).join("");
}

/**
 * When the adapter has `stream()`: every part is a text delta or a message, the reply adds a
 * message of the adapter's side, and the deltas spell exactly the text of its assistant messages
 * (the contract: messages repeat what the deltas said). An adapter without `stream()` passes.
 */
export async function checkStream(adapter: AgentAdapter, role: AgentRole, marker: string): Promise<void> {
  const stream = adapter.stream;
  if (typeof stream !== "function") return;
  const input = createAgentInput({ messages: [incomingMessage(role, marker)], requestedRole: role });
  const parts = await withLifecycle(adapter, async () => {
    const collected: unknown[] = [];
    try {
      for await (const part of stream.call(adapter, input)) collected.push(part);
    } catch (error) {
      fail(
        adapter,
        `stream() failed on a plain conversation: ${String((error as Error)?.message ?? error)}`,
        error,
      );
    }
    return collected;
  });
  const stray = parts.find((part) => !isStreamPart(part));
  if (stray !== undefined) {
    fail(
      adapter,
      `stream() yielded ${JSON.stringify(stray)}; a part is { type: "text-delta", text } or ` +
        '{ type: "message", message } (a complete assistant, tool or user message).',
    );
  }
  const valid = parts as AgentStreamPart[];
  const messages = valid.flatMap((part) => (part.type === "message" ? [part.message] : []));
  const own = role === AgentRole.USER ? ["user"] : ["assistant", "tool"];
  if (role !== AgentRole.JUDGE && !messages.some((message) => own.includes(message.role))) {
    fail(
      adapter,
      "stream() yielded no message; it must end with the reply's messages, as call() returns them.",
    );
  }
  const deltas = valid.map((part) => (part.type === "text-delta" ? part.text : "")).join("");
  const written = messages.map(textOf).join("");
  if (deltas !== written) {
    fail(
      adapter,
      `stream()'s text deltas spell ${JSON.stringify(deltas)} but its assistant messages say ` +
        `${JSON.stringify(written)}; every piece of the answer's text must stream as a delta before its message.`,
    );
  }
}
