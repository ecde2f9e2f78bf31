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
export { AGENT_SPECIFICATION_VERSION, AgentRole } from "./agent";
export type { ScenarioConfig, ScenarioResult, ScenarioRunStatus, ScenarioUsage } from "./config";
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
