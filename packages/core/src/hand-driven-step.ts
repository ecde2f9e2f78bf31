import type { AgentRole, ModelMessage, ScenarioResult } from "@scenario/spec";
import type { TurnActor } from "./turn-machine";

/** What one hand-driven step needs of its execution; `ScenarioExecution.step()` provides it. */
export interface StepDriver {
  /** The run's verdict, once it has one. */
  conclusion(): ScenarioResult | undefined;
  /** The next agent due in the current turn, if any is left. */
  peekActor(): TurnActor | undefined;
  /** Records that the agent acted in this turn. */
  markActed(index: number): void;
  /**
   * Starts the next turn; returns the result when that turn reaches `maxTurns` and so ends the run.
   */
  startNewTurn(): ScenarioResult | undefined;
  /** Calls an agent and applies what it returned; resolves with how many messages it added. */
  callAgent(index: number, role: AgentRole): Promise<number>;
  /** The conversation so far. */
  messages(): ModelMessage[];
  /** Emits a message snapshot after a step that added messages. */
  emitSnapshot(): void;
}

/**
 * One step of the turn machine, as `proceed()` takes them: the next agent due in the current turn
 * acts (user → agent → judge); when none is left, the next turn starts and its first agent acts.
 * Returns the messages that agent added, or the run's result when the step ended it (a verdict, or
 * the turn that reaches `maxTurns`). Bounded: at most one new turn is started.
 */
export async function runHandDrivenStep(driver: StepDriver): Promise<ModelMessage[] | ScenarioResult> {
  const concluded = driver.conclusion();
  if (concluded) return concluded;
  let actor = driver.peekActor();
  if (!actor) {
    const ended = driver.startNewTurn();
    if (ended) return ended;
    actor = driver.peekActor();
    // A run without agents has nobody to act: the step adds nothing.
    if (!actor) return [];
  }
  driver.markActed(actor.index);
  const before = driver.messages().length;
  const added = await driver.callAgent(actor.index, actor.role);
  if (added > 0) driver.emitSnapshot();
  return driver.conclusion() ?? driver.messages().slice(before);
}
