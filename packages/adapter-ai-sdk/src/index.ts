export {
  type AiSdkAgentCall,
  type AiSdkAgentCommonOptions,
  type AiSdkAgentObject,
  type AiSdkAgentOptions,
  type AiSdkCallSettings,
  type AiSdkGenerateResult,
  type AiSdkStreamResult,
  aiSdkAgent,
  type StreamingAiSdkAgent,
} from "./ai-sdk-agent";
export { type AiSdkUsage, toTokenUsage } from "./to-token-usage";
