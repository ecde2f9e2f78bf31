import {
  type Agent,
  type AgentInputItem,
  type Runner,
  type RunResult,
  run,
  type Session,
} from "@openai/agents";
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
import { runItemsToMessages } from "./run-items-to-messages";
import { toAgentInputItems } from "./to-agent-input-items";

// biome-ignore lint/suspicious/noExplicitAny: agents of any context and output type are accepted, as `run()` does.
type AnyAgent = Agent<any, any>;

/** Options of `openAIAgentsAdapter()`. */
export interface OpenAIAgentsAdapterOptions {
  /** The agent under test: an `Agent` from `@openai/agents`, with its model, tools and handoffs. */
  agent: AnyAgent;
  /** The name shown in errors and logs. @default the agent's `name` */
  name?: string;
  /**
   * The agent's memory. When given, each turn sends only the messages that are new since the
   * agent last spoke and lets the session supply the rest, as an app that uses sessions does. A
   * function is called once per scenario run with its thread id (so concurrent runs never share a
   * session); an instance is used as is. Without a session, every turn sends the whole
   * conversation.
   */
  session?: Session | ((threadId: string) => Session | Promise<Session>);
  /** The `Runner` to run with, to share its configuration (model provider, tracing, guardrails). @default the SDK's `run()` */
  runner?: Runner;
  /** The run context handed to tools and instructions, or a function of the scenario's input that builds it. */
  context?: unknown | ((input: AgentInput) => unknown);
  /** The most model calls one turn may make (the SDK's `maxTurns`). @default the SDK's default */
  maxTurns?: number;
  /**
   * After a handoff, start the next turn with the agent that answered last (`result.lastAgent`),
   * as a chat app built with the SDK does. `false` starts every turn with `agent`.
   * @default true
   */
  resumeWithLastAgent?: boolean;
}

/** What the adapter remembers of one scenario run. */
interface ThreadState {
  agent: AnyAgent;
  session: Promise<Session> | undefined;
}

/**
 * Wraps an OpenAI Agents SDK agent as the agent under test. Each turn runs the agent on the
 * conversation (mapped to the SDK's input items) and returns what the run produced: assistant
 * text, tool calls and their results, handoffs (as their `transfer_to_…` tool calls). The tokens of
 * every model call go to `result.usage`.
 *
 * @example
 * const adapter = openAIAgentsAdapter({ agent: new Agent({ name: "Support", instructions: "…" }) });
 */
export function openAIAgentsAdapter(options: OpenAIAgentsAdapterOptions): AgentAdapter {
  if (typeof options?.agent !== "object" || options.agent === null) {
    throw new ConfigurationError(
      "openAIAgentsAdapter() needs `agent`: pass an `Agent` from @openai/agents, as in openAIAgentsAdapter({ agent }).",
    );
  }
  const threads = new Map<string, ThreadState>();
  const resumeWithLastAgent = options.resumeWithLastAgent ?? true;

  const threadOf = (threadId: string): ThreadState => {
    let state = threads.get(threadId);
    if (state === undefined) {
      const { session } = options;
      state = {
        agent: options.agent,
        session:
          session === undefined
            ? undefined
            : Promise.resolve(typeof session === "function" ? session(threadId) : session),
      };
      threads.set(threadId, state);
    }
    return state;
  };

  const name = options.name ?? options.agent.name;

  const runTurn = async (input: AgentInput): Promise<ModelMessage[]> => {
    const thread = threadOf(input.threadId);
    const session = await thread.session;
    const items: AgentInputItem[] = toAgentInputItems(session ? input.newMessages : input.messages);
    const context = typeof options.context === "function" ? options.context(input) : options.context;
    const runOptions = {
      ...(context !== undefined ? { context } : {}),
      ...(options.maxTurns !== undefined ? { maxTurns: options.maxTurns } : {}),
      ...(session ? { session } : {}),
      ...(input.signal ? { signal: input.signal } : {}),
    };
    const result: RunResult<unknown, AnyAgent> = options.runner
      ? await options.runner.run(thread.agent, items, runOptions)
      : await run(thread.agent, items, runOptions);

    // A model named by id on the agent prices its calls; a Model object or the SDK's default does not say.
    const agentModel = (thread.agent as { model?: unknown }).model;
    const modelId = typeof agentModel === "string" && agentModel !== "" ? agentModel : undefined;
    for (const response of result.rawResponses) {
      const { usage } = response;
      const cachedInputTokens = usage.inputTokensDetails.reduce(
        (sum, details) => sum + (details?.cached_tokens ?? 0),
        0,
      );
      input.recordUsage({
        inputTokens: usage.inputTokens,
        outputTokens: usage.outputTokens,
        totalTokens: usage.totalTokens,
        ...(cachedInputTokens > 0 ? { cachedInputTokens } : {}),
        ...(modelId ? { modelId, provider: "openai" } : {}),
      });
    }
    if (resumeWithLastAgent && result.lastAgent) thread.agent = result.lastAgent;
    return runItemsToMessages(result.newItems);
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
