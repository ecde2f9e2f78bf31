export { estimateTokens } from "./openai/estimate-tokens";
export {
  type FakeOpenAIServer,
  type FakeOpenAIServerOptions,
  startFakeOpenAIServer,
} from "./openai/fake-openai-server";
export type {
  FakeEndpoint,
  FakeFault,
  FakeFaultFunction,
  FakeLatency,
  FakeMessage,
  FakeModelRequest,
  FakeReply,
  FakeReplyFunction,
  FakeReplyInput,
  FakeReplyToolCall,
  FakeRequestLogEntry,
  FakeScenarioRole,
  FakeTokenUsage,
  FakeTool,
  FakeToolCall,
  FakeToolChoice,
  FakeUsageTotals,
} from "./openai/fake-openai-types";
export {
  type FakeCriterionVerdict,
  type FakeJudgeContext,
  type FakeJudgeDecision,
  type JudgeBehaviourOptions,
  judgeBehaviour,
} from "./openai/judge-behaviour";
export {
  type FakeAttack,
  type FakeAttackerContext,
  type FakeScore,
  type FakeScorerContext,
  type RedTeamBehaviourOptions,
  redTeamBehaviour,
  redTeamScenarioBehaviour,
} from "./openai/red-team-behaviour";
export {
  type FakeBehaviour,
  type ScenarioBehaviourOptions,
  scenarioBehaviour,
} from "./openai/scenario-behaviour";
export { type PersonaLineFunction, userSimulatorPersona } from "./openai/user-simulator-persona";
