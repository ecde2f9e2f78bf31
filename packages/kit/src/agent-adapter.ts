import {
  type AgentAdapter as AgentAdapterContract,
  type AgentConnectContext,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AgentSpecificationVersion,
} from "@scenario/spec";

/**
 * A base class for the agent under test and other participants, in the style of
 * `@langwatch/scenario`: `class MyAgent extends AgentAdapter { role = AgentRole.AGENT; async call(input) {…} }`.
 *
 * It is also the adapter type: a plain object `{ role, call }` is an `AgentAdapter` too, because
 * the class adds no behaviour of its own, only the shape of the `@scenario/spec` contract.
 */
export abstract class AgentAdapter implements AgentAdapterContract {
  /** The contract version this adapter implements. Omit for `scenario.agent.v1`. */
  declare readonly specificationVersion?: AgentSpecificationVersion;
  /** A display name, used in errors and logs. Defaults to the class name. */
  name?: string;
  /** The role the adapter plays. */
  abstract role: AgentRole;
  /** Produces this agent's contribution to the conversation. */
  abstract call(input: AgentInput): Promise<AgentReturn> | AgentReturn;
  /** Opens what the adapter needs (a socket, a session). Runs before the first script step. */
  connect?(context: AgentConnectContext): Promise<void> | void;
  /** Releases it. Always runs at the end of a run, after errors too. */
  disconnect?(): Promise<void> | void;
  /** Results to attach to `ScenarioResult.artifacts`, collected once at the end of the run. */
  collectArtifacts?(): Promise<Record<string, unknown>> | Record<string, unknown>;
}

/**
 * A base class for custom user simulators: the role is preset to `AgentRole.USER`, so a subclass
 * only implements `call()` and returns the user's next line.
 */
export abstract class UserSimulatorAgentAdapter extends AgentAdapter {
  /** Always `AgentRole.USER`. */
  role: AgentRole = AgentRole.USER;
}

/**
 * A base class for custom judges: the role is preset to `AgentRole.JUDGE`, and a subclass lists
 * the `criteria` it checks and returns a `JudgeResult` (or `null` to let the run continue).
 */
export abstract class JudgeAgentAdapter extends AgentAdapter {
  /** Always `AgentRole.JUDGE`. */
  role: AgentRole = AgentRole.JUDGE;
  /** The criteria this judge checks. */
  abstract criteria: string[];
}
