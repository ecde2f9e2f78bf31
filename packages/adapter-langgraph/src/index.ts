export { type LangGraphAdapterOptions, type LangGraphRunnable, langGraphAdapter } from "./langgraph-adapter";
export { toLangChainMessages } from "./to-langchain-messages";
export { toModelMessages } from "./to-model-messages";
