export type {
  AgentAdapter,
  AgentConnectContext,
  AgentInput,
  AgentReturn,
  AgentSpecificationVersion,
  CriterionVerdict,
  JudgeResult,
  JudgmentRequest,
  TokenUsage,
} from "./agent";
export { AGENT_SPECIFICATION_VERSION, AgentRole, JUDGE_TOOL_NAMES } from "./agent";
export type { ScenarioConfig, ScenarioResult, ScenarioRunStatus, ScenarioUsage } from "./config";
export { DEFAULT_MAX_TURNS, DEFAULT_SCENARIO_SET_ID } from "./config";
export {
  AgentCallError,
  CacheMissError,
  ConfigurationError,
  InvalidAgentReturnError,
  isScenarioError,
  JudgeError,
  MissingAgentError,
  ModelCallError,
  ModelMissingError,
  ReporterError,
  RunCancelledError,
  ScenarioError,
  type ScenarioErrorCode,
  type ScenarioErrorOptions,
  ScriptError,
  UserSimulatorError,
} from "./errors";
export type {
  ScenarioEvent,
  ScenarioEventBase,
  ScenarioEventObserver,
  ScenarioEventSource,
  ScenarioMessageSnapshotEvent,
  ScenarioRunFinishedEvent,
  ScenarioRunStartedEvent,
  ScenarioVerdict,
  SnapshotMessage,
  SnapshotToolCall,
} from "./events";
export { ScenarioEventType } from "./events";
export type {
  AssistantModelMessage,
  DataContent,
  FilePart,
  ImagePart,
  JSONObject,
  JSONValue,
  ModelMessage,
  ProviderOptions,
  ReasoningPart,
  SystemModelMessage,
  TextPart,
  ToolApprovalRequest,
  ToolApprovalResponse,
  ToolCallPart,
  ToolModelMessage,
  ToolResultContentItem,
  ToolResultOutput,
  ToolResultPart,
  UserModelMessage,
} from "./messages";
export type { ReporterSpec, ScenarioReporter, SuiteStartInfo, SuiteSummary } from "./reporter";
export type {
  AgentStepOptions,
  OnStep,
  OnTurn,
  ScenarioExecutionLike,
  ScenarioExecutionStateLike,
  ScriptStep,
} from "./script";
export type {
  AudioChunk,
  AudioFormat,
  InterruptOutcome,
  ReceiveAudioOptions,
  VoiceAgentAdapterLike,
  VoiceCapabilities,
  VoiceLatencyMetrics,
  VoiceRecording,
  VoiceSegment,
  VoiceSpeaker,
  VoiceTimelineEvent,
  VoiceTimelineEventType,
} from "./voice";
export {
  isVoiceAgentAdapter,
  VOICE_SAMPLE_RATE,
  VOICE_SPECIFICATION_VERSION,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "./voice";
