import { JudgeAgent } from "@scenario/judge";
import {
  type AgentAdapter as AgentAdapterContract,
  type AgentConnectContext,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AgentSpecificationVersion,
} from "@scenario/spec";
import { UserSimulatorAgent } from "@scenario/user-simulator";

/**
 * A base class for the agent under test and other participants, in the style of
 * `@langwatch/scenario`: `class MyAgent extends AgentAdapter { role = AgentRole.AGENT; async call(input) {…} }`.
 *
 * It is also the adapter type: a plain object `{ role, call }` is an `AgentAdapter` too, because
 * the class adds no behaviour of its own, only the shape of the `@scenario/spec` contract.
 *
 * As in `@langwatch/scenario`, the built-in judge and user simulator count as instances:
 * `judgeAgent({...}) instanceof JudgeAgentAdapter` and `userSimulatorAgent() instanceof AgentAdapter`
 * are true.
 */
export abstract class AgentAdapter implements AgentAdapterContract {
  /**
   * Ordinary `instanceof`, plus the built-in `JudgeAgent` and `UserSimulatorAgent`: they live in
   * packages that cannot depend on the kit, so they do not extend these classes. A user's subclass
   * inherits this and gets plain `instanceof`.
   */
  static [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class asked about, a user's subclass too.
    return Function.prototype[Symbol.hasInstance].call(this, value) || isBuiltInInstance(this, value);
  }

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

function isBuiltInInstance(target: unknown, value: unknown): boolean {
  if (target === AgentAdapter) return value instanceof JudgeAgent || value instanceof UserSimulatorAgent;
  if (target === JudgeAgentAdapter) return value instanceof JudgeAgent;
  if (target === UserSimulatorAgentAdapter) return value instanceof UserSimulatorAgent;
  return false;
}
