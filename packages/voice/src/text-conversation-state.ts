import type {
  AgentConnectContext,
  ModelMessage,
  ScenarioExecutionStateLike,
  ToolCallPart,
  ToolModelMessage,
} from "@scenario/spec";

/**
 * A read view of a composable agent's text conversation, for a turn driven by `sendAudio()` and
 * `receiveAudio()` alone (no executor turn, so no executor state to hand the text agent).
 */
export function textConversationState(
  messages: ModelMessage[],
  context: AgentConnectContext,
): ScenarioExecutionStateLike {
  const last = (role?: ModelMessage["role"]) =>
    [...messages].reverse().find((message) => role === undefined || message.role === role);
  const toolCallParts = (toolName: string) =>
    messages.flatMap((message) =>
      message.role === "assistant" && Array.isArray(message.content)
        ? message.content.filter(
            (part): part is ToolCallPart => part.type === "tool-call" && part.toolName === toolName,
          )
        : [],
    );
  const lastToolCall = (toolName: string) =>
    [...messages]
      .reverse()
      .find(
        (message): message is ToolModelMessage =>
          message.role === "tool" &&
          message.content.some((part) => part.type === "tool-result" && part.toolName === toolName),
      );
  return {
    messages,
    threadId: context.threadId,
    currentTurn: messages.filter((message) => message.role === "user").length,
    description: context.scenarioConfig.description,
    config: context.scenarioConfig,
    lastMessage: () => last(),
    lastUserMessage: () => last("user"),
    lastAgentMessage: () => last("assistant"),
    lastToolCall,
    lastToolCallPart: (toolName) => toolCallParts(toolName).at(-1),
    hasToolCall: (toolName) => lastToolCall(toolName) !== undefined || toolCallParts(toolName).length > 0,
    addMessage: (message) => {
      messages.push(message);
    },
    rollbackMessagesTo: (index) => {
      if (!Number.isInteger(index) || index < 0) {
        throw new RangeError(`rollbackMessagesTo(${String(index)}): pass a whole number of 0 or more.`);
      }
      return messages.splice(index);
    },
  };
}
