export {
  type ChatCompletionsMessage,
  toChatCompletionsMessages,
} from "./chat-completions-format";
export { httpAgent } from "./http-agent";
export type {
  HttpAgentChatCompletionsOptions,
  HttpAgentCommonOptions,
  HttpAgentJsonOptions,
  HttpAgentOptions,
  HttpAgentSseEvent,
  HttpAgentSseOptions,
  HttpAgentSseUpdate,
} from "./http-agent-options";
