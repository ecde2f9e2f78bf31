import type {
  AgentStepOptions,
  JudgmentRequest,
  ModelMessage,
  OnStep,
  OnTurn,
  ScriptStep,
} from "@scenario/spec";

/**
 * With content, appends it as the user's message; without, lets the user simulator speak
 * (starting a new turn if the user already spoke in this one).
 */
export function user(content?: string | ModelMessage): ScriptStep {
  return (_state, execution) => execution.user(content);
}

/**
 * With content, appends it as the agent's message; without, calls the agent under test.
 * `agent({ wait: false })` starts the agent turn without awaiting it (see barge-in).
 */
export function agent(content?: string | ModelMessage | AgentStepOptions): ScriptStep {
  return (_state, execution) => execution.agent(content);
}

/**
 * Asks the judge for a verdict now. With `criteria`, an inline checkpoint: the script continues
 * when they pass and the run fails when they do not.
 */
export function judge(request?: JudgmentRequest): ScriptStep {
  return async (_state, execution) => {
    const result = await execution.judge(request);
    return result ?? undefined;
  };
}

/** Appends a message, routed by role: user messages to the user side, assistant messages to the agent side. */
export function message(message: ModelMessage): ScriptStep {
  return (_state, execution) => execution.message(message);
}

/**
 * Lets the agents converse: without `turns` until a verdict or max turns, with `turns` for that
 * many turns. `onTurn` runs at each new turn and `onStep` after each agent call.
 */
export function proceed(turns?: number, onTurn?: OnTurn, onStep?: OnStep): ScriptStep {
  return async (_state, execution) => {
    const result = await execution.proceed(turns, onTurn, onStep);
    return result ?? undefined;
  };
}

/** Ends the run as a success. */
export function succeed(reasoning?: string): ScriptStep {
  return (_state, execution) => execution.succeed(reasoning);
}

/** Ends the run as a failure. */
export function fail(reasoning?: string): ScriptStep {
  return (_state, execution) => execution.fail(reasoning);
}
