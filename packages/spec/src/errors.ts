/** Stable codes of Scenario errors, for programs that branch on them. */
export type ScenarioErrorCode =
  | "CONFIG_INVALID"
  | "AGENT_MISSING"
  | "AGENT_CALL_FAILED"
  | "AGENT_RETURN_INVALID"
  | "SCRIPT_INVALID"
  | "RUN_CANCELLED"
  | "RUN_TIMED_OUT"
  | "MODEL_MISSING"
  | "MODEL_CALL_FAILED"
  | "CACHE_MISS"
  | "JUDGE_FAILED"
  | "SIMULATOR_FAILED"
  | "REPORTER_FAILED"
  | "VOICE_FIRST_AUDIO_TIMEOUT"
  | "VOICE_STREAM_ENDED"
  | "VOICE_SERVER_ERROR"
  | "VOICE_UNSUPPORTED"
  | "RED_TEAM_FAILED";

/** Options every Scenario error takes. */
export interface ScenarioErrorOptions {
  /** The original error. */
  cause?: unknown;
}

// Identity across copies. A process can load two copies of this module (a CJS config file and an
// ESM test file load our CJS and ESM builds; two versions can sit side by side in node_modules),
// and `instanceof` only knows its own copy's classes. So every error carries, as non-enumerable
// own properties, one `Symbol.for` marker per class of its chain, from its own class up to
// ScenarioError: `Symbol.for("@scenario/spec.error.ConfigurationError")` and so on. `Symbol.for`
// keys are shared by the whole process, so every copy computes the same markers.
// - One marker per class keeps subclass checks specific (a ScriptError lacks ConfigurationError's
//   marker). Checking `code` instead would accept a bare `new ScenarioError("CONFIG_INVALID", …)`
//   as a ConfigurationError (without its fields) and could not tell apart two classes sharing one.
// - A marker is named after the class's `errorName`, written out in each class, not after the
//   runtime class name: bundlers rename classes (esbuild turns a class that refers to itself into
//   `_ScenarioError`), which would split a source copy from a built one. A subclass that declares
//   no `errorName` of its own (a third party's) falls back to its class name.
const MARKER_PREFIX = "@scenario/spec.error.";

/** A Scenario error class: the `this` of `isInstance`, so the check narrows to that class. */
type ErrorClass<T> = abstract new (...args: never[]) => T;

/** The stable name of an error class: its own `errorName`, else its runtime name. */
function errorNameOf(errorClass: { name: string; errorName?: string }): string {
  return Object.hasOwn(errorClass, "errorName") && typeof errorClass.errorName === "string"
    ? errorClass.errorName
    : errorClass.name;
}

function markerOf(errorClass: { name: string; errorName?: string }): symbol {
  return Symbol.for(`${MARKER_PREFIX}${errorNameOf(errorClass)}`);
}

/** True when `value` carries the marker of `errorClass` (the `this` of an `isInstance` call). */
function isMarkedBy(errorClass: unknown, value: unknown): boolean {
  if (typeof errorClass !== "function") {
    throw new TypeError(
      "isInstance() was called without its class, so it cannot tell which error class to check. " +
        "Call it on the class, as in `ConfigurationError.isInstance(error)`, or pass " +
        "`(error) => ConfigurationError.isInstance(error)` as the callback.",
    );
  }
  const marker = markerOf(errorClass);
  return (
    (typeof value === "object" || typeof value === "function") &&
    value !== null &&
    (value as Record<symbol, unknown>)[marker] === true
  );
}

/**
 * The base of every error Scenario throws. `message` says what went wrong and how to fix it;
 * `code` is stable; `cause` keeps the original error.
 *
 * Recognise Scenario errors with `ScenarioError.isInstance(error)` (or `SubClass.isInstance(error)`)
 * rather than `instanceof`: `isInstance` also recognises errors thrown by another copy of this
 * package in the same process, such as our CJS build when you import the ESM one.
 */
export class ScenarioError extends Error {
  /**
   * The class's stable name: the errors' `name`, and the key of the marker `isInstance` checks.
   * Each class declares its own. A subclass outside Scenario may declare one (namespaced, such as
   * `"acme.QuotaError"`) to keep its identity through minifiers; without one its class name is used.
   */
  static readonly errorName: string = "ScenarioError";

  /** A stable code. */
  readonly code: ScenarioErrorCode;

  constructor(code: ScenarioErrorCode, message: string, options: ScenarioErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.name = errorNameOf(new.target);
    // Every class from the concrete one up to ScenarioError, which extends Error directly. (Naming
    // ScenarioError here would make bundlers rename the class; see the note above.)
    for (
      let errorClass: Function = new.target;
      errorClass !== Error && typeof errorClass === "function";
      errorClass = Object.getPrototypeOf(errorClass)
    ) {
      Object.defineProperty(this, markerOf(errorClass), { value: true });
    }
  }

  /**
   * True when `value` is an error of this class or of a subclass, whichever copy of
   * `@scenario/spec` (CJS or ESM build, another version) created it. Call it on the class you mean:
   * `ConfigurationError.isInstance(error)` accepts ConfigurationErrors only, while
   * `ScenarioError.isInstance(error)` accepts every Scenario error. Pass it on as a callback only
   * bound or wrapped (`(error) => ScriptError.isInstance(error)`): it reads the class from `this`.
   */
  static isInstance<T extends ScenarioError>(this: ErrorClass<T>, value: unknown): value is T {
    // biome-ignore lint/complexity/noThisInStatic: the class comes from `this` so that every subclass inherits a check of its own marker.
    return isMarkedBy(this, value);
  }
}

/** Invalid configuration (a `run()` argument, a config file, a CLI flag). */
export class ConfigurationError extends ScenarioError {
  static override readonly errorName = "ConfigurationError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("CONFIG_INVALID", message, options);
  }
}

/** A step needs an agent of a role that no agent plays. */
export class MissingAgentError extends ScenarioError {
  static override readonly errorName = "MissingAgentError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("AGENT_MISSING", message, options);
  }
}

/** An agent's `call()` threw. The message is `[AdapterName] original message`. */
export class AgentCallError extends ScenarioError {
  static override readonly errorName = "AgentCallError";

  /** The adapter's name. */
  readonly agentName: string;

  constructor(agentName: string, message: string, options?: ScenarioErrorOptions) {
    super("AGENT_CALL_FAILED", `[${agentName}] ${message}`, options);
    this.agentName = agentName;
  }
}

/** An agent returned something that is not an `AgentReturn`. */
export class InvalidAgentReturnError extends ScenarioError {
  static override readonly errorName = "InvalidAgentReturnError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("AGENT_RETURN_INVALID", message, options);
  }
}

/** A script that cannot run as written (for example two non-blocking agent turns at once). */
export class ScriptError extends ScenarioError {
  static override readonly errorName = "ScriptError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("SCRIPT_INVALID", message, options);
  }
}

/** The run was cancelled (Ctrl-C, an aborted signal). */
export class RunCancelledError extends ScenarioError {
  static override readonly errorName = "RunCancelledError";

  constructor(message = "The scenario run was cancelled.", options?: ScenarioErrorOptions) {
    super("RUN_CANCELLED", message, options);
  }
}

/**
 * The run outlived its `timeout`: it ends with status ERROR, and what it was doing (a script step,
 * an agent's turn, the judge) is aborted through the run's signal.
 */
export class ScenarioTimeoutError extends ScenarioError {
  static override readonly errorName = "ScenarioTimeoutError";

  /** The deadline that was passed, in milliseconds. */
  readonly timeoutMs: number;
  /** What the run was doing at the deadline ("the judge (turn 2), in script step 3: judge()"). */
  readonly step: string;

  constructor(message: string, details: { timeoutMs: number; step: string }, options?: ScenarioErrorOptions) {
    super("RUN_TIMED_OUT", message, options);
    this.timeoutMs = details.timeoutMs;
    this.step = details.step;
  }
}

/** No model could be resolved for an LLM participant. */
export class ModelMissingError extends ScenarioError {
  static override readonly errorName = "ModelMissingError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("MODEL_MISSING", message, options);
  }
}

/** A model call failed after its retries. */
export class ModelCallError extends ScenarioError {
  static override readonly errorName = "ModelCallError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("MODEL_CALL_FAILED", message, options);
  }
}

/** Replay mode found no recording for a call. */
export class CacheMissError extends ScenarioError {
  static override readonly errorName = "CacheMissError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("CACHE_MISS", message, options);
  }
}

/** The judge could not produce a verdict. */
export class JudgeError extends ScenarioError {
  static override readonly errorName = "JudgeError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("JUDGE_FAILED", message, options);
  }
}

/** The user simulator could not produce a usable line. */
export class UserSimulatorError extends ScenarioError {
  static override readonly errorName = "UserSimulatorError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("SIMULATOR_FAILED", message, options);
  }
}

/** A reporter failed (loading it, or one of its hooks). */
export class ReporterError extends ScenarioError {
  static override readonly errorName = "ReporterError";

  constructor(message: string, options?: ScenarioErrorOptions) {
    super("REPORTER_FAILED", message, options);
  }
}

/**
 * True for any Scenario error, including one created by another copy of `@scenario/spec` in the
 * same process (see `ScenarioError.isInstance`).
 */
export function isScenarioError(error: unknown): error is ScenarioError {
  return ScenarioError.isInstance(error);
}
