import type { Agent } from "@mastra/core/agent";
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

// biome-ignore lint/suspicious/noExplicitAny: agents of any id, tools and output type are accepted.
type AnyAgent = Agent<any, any, any>;

/** Options of `mastraAdapter()`. */
export interface MastraAdapterOptions {
  /** The agent under test: an `Agent` from `@mastra/core/agent`. */
  agent: AnyAgent;
  /** The name shown in errors and logs. @default the agent's `name` */
  name?: string;
  /**
   * The memory resource (the user the thread belongs to) when the agent has memory; the
   * scenario's thread id is always the memory thread. @default the thread id
   */
  resourceId?: string | ((input: AgentInput) => string);
  /**
   * Extra options for every `agent.generate()` call (`maxSteps`, `modelSettings`, `requestContext`…).
   * `memory` and `abortSignal` are set by the adapter.
   */
  generateOptions?: Record<string, unknown>;
}

/** The part of `agent.generate()`'s result the adapter reads. */
interface GenerateResult {
  error?: unknown;
  response?: { messages?: unknown[] } | Promise<{ messages?: unknown[] }>;
  totalUsage?: UsageLike;
  usage?: UsageLike;
  steps?: Array<{ usage?: UsageLike }>;
}

interface UsageLike {
  inputTokens?: number;
  outputTokens?: number;
  totalTokens?: number;
  cachedInputTokens?: number;
}

/**
 * Wraps a Mastra agent as the agent under test. Each turn calls `agent.generate()` and returns the
 * response messages (assistant text, tool calls and tool results, already in the AI SDK's shape),
 * with the run's token usage. An agent with memory is given the scenario's thread id as its memory
 * thread and only the messages new since its last turn (memory holds the rest); an agent without
 * memory is sent the whole conversation. Mastra needs Node 22.13 or later.
 *
 * @example
 * const adapter = mastraAdapter({ agent: new Agent({ name: "support", instructions: "…", model }) });
 */
export function mastraAdapter(options: MastraAdapterOptions): AgentAdapter {
  const agent = options?.agent;
  if (typeof agent?.generate !== "function") {
    throw new ConfigurationError(
      'mastraAdapter() needs `agent`: an `Agent` from "@mastra/core/agent", as in mastraAdapter({ agent }).',
    );
  }
  const name = options.name ?? agent.name ?? "Mastra";

  const runTurn = async (input: AgentInput): Promise<ModelMessage[]> => {
    const hasMemory = typeof agent.hasOwnMemory === "function" && agent.hasOwnMemory();
    const resource =
      typeof options.resourceId === "function"
        ? options.resourceId(input)
        : (options.resourceId ?? input.threadId);
    const generateOptions = {
      ...options.generateOptions,
      ...(hasMemory ? { memory: { thread: input.threadId, resource } } : {}),
      ...(input.signal ? { abortSignal: input.signal } : {}),
    };
    const messages = hasMemory ? input.newMessages : input.messages;
    // biome-ignore lint/suspicious/noExplicitAny: Mastra's generate() overloads are keyed on output schemas this adapter does not use.
    const result = (await (agent.generate as any)(messages, generateOptions)) as GenerateResult;
    // Mastra may report a failed model call on the result instead of throwing it.
    if (result.error !== undefined) throw result.error;

    const usage = result.totalUsage ?? result.usage;
    const response = await result.response;
    if (usage) {
      // The model that answered prices the call (result.usage.costUsd).
      const modelId = (response as { modelId?: unknown } | undefined)?.modelId;
      input.recordUsage({
        ...(typeof modelId === "string" && modelId !== "" ? { modelId } : {}),
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        totalTokens: usage.totalTokens,
        ...(usage.cachedInputTokens ? { cachedInputTokens: usage.cachedInputTokens } : {}),
      });
    }
    return (response?.messages ?? []) as ModelMessage[];
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
