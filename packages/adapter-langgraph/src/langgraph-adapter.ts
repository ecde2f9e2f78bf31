import type { BaseMessage } from "@langchain/core/messages";
import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type ModelMessage,
  ScenarioError,
} from "@scenario/spec";
import { toLangChainMessages } from "./to-langchain-messages";
import { toModelMessages } from "./to-model-messages";

/**
 * The part of a compiled LangGraph graph (`StateGraph.compile()`, `createReactAgent()`) the adapter
 * uses. Declared structurally so any graph of any state type fits.
 */
export interface LangGraphRunnable {
  /** Runs the graph to the end and resolves with its final state. */
  invoke(input: unknown, config?: Record<string, unknown>): Promise<unknown>;
  /** Runs the graph, yielding as it goes (`streamMode: "values"` yields whole states). */
  stream?(input: unknown, config?: Record<string, unknown>): Promise<AsyncIterable<unknown>>;
  /** The state saved for a thread (graphs with a checkpointer). */
  getState?(config: Record<string, unknown>): Promise<{ values?: unknown }>;
  /** The graph's checkpointer, when it was compiled with one. */
  checkpointer?: unknown;
  /** The graph's name. */
  name?: string;
}

/** Options of `langGraphAdapter()`. */
export interface LangGraphAdapterOptions {
  /** The compiled graph under test. */
  graph: LangGraphRunnable;
  /** The name shown in errors and logs. @default the graph's `name`, else "LangGraph" */
  name?: string;
  /** The state key that holds the conversation. @default "messages" */
  messagesKey?: string;
  /** Run with `invoke()` or consume `stream()` (`streamMode: "values"`) to its last state. @default "invoke" */
  mode?: "invoke" | "stream";
  /**
   * Extra run configuration (callbacks, tags, `recursionLimit`, `configurable` values). The
   * scenario's thread id is always set as `configurable.thread_id`.
   */
  config?: Record<string, unknown>;
  /** Extra state fields for each turn's input, besides the messages. */
  input?: (input: AgentInput) => Record<string, unknown>;
}

/**
 * Wraps a compiled LangGraph.js graph as the agent under test. Each turn runs the graph with the
 * scenario's thread id as `thread_id` and returns the messages the graph added (AI messages with
 * their tool calls, tool messages), converted to AI SDK messages. A graph compiled with a
 * checkpointer keeps the conversation itself, so it is sent only the messages new since its last
 * turn; a graph without one is sent the whole conversation. The `usage_metadata` of the new AI
 * messages goes to `result.usage`.
 *
 * @example
 * const adapter = langGraphAdapter({ graph: workflow.compile({ checkpointer: new MemorySaver() }) });
 */
export function langGraphAdapter(options: LangGraphAdapterOptions): AgentAdapter {
  const graph = options?.graph;
  if (typeof graph?.invoke !== "function") {
    throw new ConfigurationError(
      "langGraphAdapter() needs `graph`: a compiled LangGraph graph, as in langGraphAdapter({ graph: workflow.compile() }).",
    );
  }
  const mode = options.mode ?? "invoke";
  if (mode === "stream" && typeof graph.stream !== "function") {
    throw new ConfigurationError(
      'langGraphAdapter(): `mode: "stream"` needs a graph with `stream()`; use `mode: "invoke"` or pass a compiled graph.',
    );
  }
  const messagesKey = options.messagesKey ?? "messages";
  const name = options.name ?? graph.name ?? "LangGraph";
  const hasCheckpointer = typeof graph.checkpointer === "object" && graph.checkpointer !== null;

  const messagesOf = (state: unknown, what: string): unknown[] => {
    const messages = (state as Record<string, unknown> | undefined)?.[messagesKey];
    if (!Array.isArray(messages)) {
      throw new ConfigurationError(
        `The graph's ${what} has no "${messagesKey}" array of messages. Set \`messagesKey\` to the state key that holds the conversation: langGraphAdapter({ graph, messagesKey: "…" }).`,
      );
    }
    return messages;
  };

  const runTurn = async (input: AgentInput): Promise<ModelMessage[]> => {
    const configurable = {
      ...((options.config?.configurable as Record<string, unknown> | undefined) ?? {}),
      thread_id: input.threadId,
    };
    const config: Record<string, unknown> = {
      ...options.config,
      configurable,
      ...(input.signal ? { signal: input.signal } : {}),
    };

    let history: unknown[] = [];
    if (hasCheckpointer && typeof graph.getState === "function") {
      const saved = await graph.getState(config);
      const values = saved?.values as Record<string, unknown> | undefined;
      if (values && Array.isArray(values[messagesKey])) history = values[messagesKey] as unknown[];
    }
    const sent = toLangChainMessages(hasCheckpointer ? input.newMessages : input.messages);
    const state = { ...options.input?.(input), [messagesKey]: sent };

    let output: unknown;
    if (mode === "stream" && graph.stream) {
      for await (const chunk of await graph.stream(state, { ...config, streamMode: "values" }))
        output = chunk;
    } else {
      output = await graph.invoke(state, config);
    }

    const added = addedMessages(messagesOf(output, "output"), history, sent);
    for (const message of added) {
      const usage = (message as { usage_metadata?: LangChainUsage }).usage_metadata;
      if (usage === undefined || (message as { type?: string }).type !== "ai") continue;
      const cachedInputTokens = usage.input_token_details?.cache_read;
      // The model's name in the reply's metadata (OpenAI: model_name, Anthropic: model) prices the call.
      const metadata = (message as { response_metadata?: { model_name?: unknown; model?: unknown } })
        .response_metadata;
      const modelId = metadata?.model_name ?? metadata?.model;
      input.recordUsage({
        ...(typeof modelId === "string" && modelId !== "" ? { modelId } : {}),
        inputTokens: usage.input_tokens,
        outputTokens: usage.output_tokens,
        totalTokens: usage.total_tokens,
        ...(cachedInputTokens ? { cachedInputTokens } : {}),
      });
    }
    return toModelMessages(added, history);
  };

  return {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name,
    async call(input) {
      try {
        return await runTurn(input);
      } catch (error) {
        // A cancelled run is not the agent's failure: core recognises the abort as is.
        if (input.signal?.aborted || ScenarioError.isInstance(error)) throw error;
        throw new AgentCallError(name, errorMessage(error), { cause: error });
      }
    },
  };
}

function errorMessage(error: unknown): string {
  return error instanceof Error && error.message ? error.message : String(error);
}

/** LangChain's `usage_metadata` on an AI message. */
interface LangChainUsage {
  input_tokens?: number;
  output_tokens?: number;
  total_tokens?: number;
  input_token_details?: { cache_read?: number };
}

/**
 * The messages of the final state that were neither saved before this turn nor sent in it. By id
 * (the `messages` reducer gives every message one, and may replace or remove earlier ones); by
 * position when some message carries no id (a plain concatenating reducer).
 */
function addedMessages(output: unknown[], history: unknown[], sent: BaseMessage[]): unknown[] {
  const idOf = (message: unknown) => (message as { id?: unknown } | null)?.id;
  if ([...output, ...history].every((message) => typeof idOf(message) === "string")) {
    const known = new Set([...history.map(idOf), ...sent.map((message) => message.id)]);
    return output.filter((message) => !known.has(idOf(message)));
  }
  return output.slice(history.length + sent.length);
}
