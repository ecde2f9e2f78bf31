/** Stable codes of Scenario errors, for programs that branch on them. */
export type ScenarioErrorCode =
  | "CONFIG_INVALID"
  | "AGENT_MISSING"
  | "AGENT_CALL_FAILED"
  | "AGENT_RETURN_INVALID"
  | "SCRIPT_INVALID"
  | "RUN_CANCELLED"
  | "MODEL_MISSING"
  | "MODEL_CALL_FAILED"
  | "CACHE_MISS"
  | "JUDGE_FAILED"
  | "SIMULATOR_FAILED"
  | "REPORTER_FAILED"
  | "VOICE_FIRST_AUDIO_TIMEOUT"
  | "VOICE_STREAM_ENDED"
  | "VOICE_SERVER_ERROR"
  | "VOICE_UNSUPPORTED";

/** Options every Scenario error takes. */
export interface ScenarioErrorOptions {
  /** The original error. */
  cause?: unknown;
}

/**
 * The base of every error Scenario throws. `message` says what went wrong and how to fix it;
 * `code` is stable; `cause` keeps the original error.
 */
export class ScenarioError extends Error {
  /** A stable code. */
  readonly code: ScenarioErrorCode;

  constructor(code: ScenarioErrorCode, message: string, options: ScenarioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = new.target.name;
  }
}

/** Invalid configuration (a `run()` argument, a config file, a CLI flag). */
export class ConfigurationError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("CONFIG_INVALID", message, options);
  }
}

/** A step needs an agent of a role that no agent plays. */
export class MissingAgentError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("AGENT_MISSING", message, options);
  }
}

/** An agent's `call()` threw. The message is `[AdapterName] original message`. */
export class AgentCallError extends ScenarioError {
  /** The adapter's name. */
  readonly agentName: string;

  constructor(agentName: string, message: string, options?: ScenarioErrorOptions) {
    super("AGENT_CALL_FAILED", `[${agentName}] ${message}`, options);
    this.agentName = agentName;
  }
}

/** An agent returned something that is not an `AgentReturn`. */
export class InvalidAgentReturnError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("AGENT_RETURN_INVALID", message, options);
  }
}

/** A script that cannot run as written (for example two non-blocking agent turns at once). */
export class ScriptError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("SCRIPT_INVALID", message, options);
  }
}

/** The run was cancelled (Ctrl-C, an aborted signal). */
export class RunCancelledError extends ScenarioError {
  constructor(message = "The scenario run was cancelled.", options?: ScenarioErrorOptions) {
    super("RUN_CANCELLED", message, options);
  }
}

/** No model could be resolved for an LLM participant. */
export class ModelMissingError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("MODEL_MISSING", message, options);
  }
}

/** A model call failed after its retries. */
export class ModelCallError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("MODEL_CALL_FAILED", message, options);
  }
}

/** Replay mode found no recording for a call. */
export class CacheMissError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("CACHE_MISS", message, options);
  }
}

/** The judge could not produce a verdict. */
export class JudgeError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("JUDGE_FAILED", message, options);
  }
}

/** The user simulator could not produce a usable line. */
export class UserSimulatorError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("SIMULATOR_FAILED", message, options);
  }
}

/** A reporter failed (loading it, or one of its hooks). */
export class ReporterError extends ScenarioError {
  constructor(message: string, options?: ScenarioErrorOptions) {
    super("REPORTER_FAILED", message, options);
  }
}

/** True for any Scenario error. */
export function isScenarioError(error: unknown): error is ScenarioError {
  return error instanceof ScenarioError;
}
