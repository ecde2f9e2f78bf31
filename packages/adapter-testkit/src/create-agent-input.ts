import {
  type AgentInput,
  AgentRole,
  type ModelMessage,
  type ScenarioConfig,
  type ScenarioExecutionStateLike,
  type TokenUsage,
  type ToolCallPart,
  type ToolModelMessage,
} from "@scenario/spec";

/** Options of `createAgentInput()`. */
export interface CreateAgentInputOptions {
  /** The whole conversation so far. @default [] */
  messages?: ModelMessage[];
  /** The messages new to the agent since its last call. @default all of `messages` */
  newMessages?: ModelMessage[];
  /** The role the agent is asked to play. @default AgentRole.AGENT */
  requestedRole?: AgentRole;
  /** The conversation's thread id. @default a fresh `thread_conformance_…` id */
  threadId?: string;
  /** The signal handed to the agent. @default a signal that is never aborted */
  signal?: AbortSignal;
  /** The scenario's description, as the state reports it. @default "adapter conformance" */
  description?: string;
}

/** An `AgentInput` built outside the executor, with the usage the agent recorded on it. */
export interface TestAgentInput extends AgentInput {
  /** Every `recordUsage()` call made with this input, in order. */
  readonly recordedUsage: TokenUsage[];
}

let threadCounter = 0;

/**
 * Builds an `AgentInput` as core would hand it to an adapter, without the executor: the state
 * answers from `messages`, and `recordUsage()` collects into `recordedUsage`. For calling an
 * adapter directly in a test.
 */
export function createAgentInput(options: CreateAgentInputOptions = {}): TestAgentInput {
  const messages = [...(options.messages ?? [])];
  const threadId = options.threadId ?? `thread_conformance_${++threadCounter}`;
  const description = options.description ?? "adapter conformance";
  const scenarioConfig: ScenarioConfig = { name: "adapter conformance", description, agents: [], threadId };
  const recordedUsage: TokenUsage[] = [];
  return {
    threadId,
    messages,
    newMessages: [...(options.newMessages ?? messages)],
    requestedRole: options.requestedRole ?? AgentRole.AGENT,
    scenarioState: stateOf(messages, threadId, description, scenarioConfig),
    scenarioConfig,
    recordUsage: (usage) => {
      recordedUsage.push(usage);
    },
    signal: options.signal ?? new AbortController().signal,
    recordedUsage,
  };
}

function stateOf(
  messages: ModelMessage[],
  threadId: string,
  description: string,
  config: ScenarioConfig,
): ScenarioExecutionStateLike {
  const lastOf = (role: ModelMessage["role"]) => messages.findLast((message) => message.role === role);
  const toolCallParts = (toolName: string): ToolCallPart[] =>
    messages.flatMap((message) =>
      message.role === "assistant" && Array.isArray(message.content)
        ? message.content.filter(
            (part): part is ToolCallPart => part.type === "tool-call" && part.toolName === toolName,
          )
        : [],
    );
  const toolResultMessage = (toolName: string) =>
    messages.findLast(
      (message): message is ToolModelMessage =>
        message.role === "tool" &&
        message.content.some((part) => part.type === "tool-result" && part.toolName === toolName),
    );
  return {
    messages,
    threadId,
    currentTurn: 0,
    description,
    config,
    lastMessage: () => messages.at(-1),
    lastUserMessage: () => lastOf("user"),
    lastAgentMessage: () => lastOf("assistant"),
    lastToolCall: toolResultMessage,
    lastToolCallPart: (toolName) => toolCallParts(toolName).at(-1),
    hasToolCall: (toolName) =>
      toolCallParts(toolName).length > 0 || toolResultMessage(toolName) !== undefined,
    addMessage: (message) => {
      messages.push(message);
    },
    rollbackMessagesTo: (index) => {
      if (index < 0) throw new RangeError(`rollbackMessagesTo() needs an index of 0 or more, got ${index}.`);
      return messages.splice(index);
    },
  };
}
