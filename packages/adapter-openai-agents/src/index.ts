export { type OpenAIAgentsAdapterOptions, openAIAgentsAdapter } from "./openai-agents-adapter";
export { runItemsToMessages } from "./run-items-to-messages";
export { toAgentInputItems } from "./to-agent-input-items";
