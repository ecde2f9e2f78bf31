import type { AgentAdapter, AgentRole, ModelMessage, ScenarioConfig, ScenarioResult } from "@scenario/spec";

/** Creates the adapter under test. Called once per check, so every check starts fresh. */
export type AdapterFactory = () => AgentAdapter | Promise<AgentAdapter>;

/** One way the framework can answer, which the adapter must turn into messages. */
export interface AdapterReturnShapeCase {
  /** What the framework returns in this case, for the test title: `"text only"`, `"a tool call"`. */
  name: string;
  /** Creates an adapter whose framework answers this way. @default the suite's factory */
  create?: AdapterFactory;
  /** Asserts on the normalised messages (throw, or use `expect`, to fail). */
  expect?: (messages: ModelMessage[]) => void | Promise<void>;
}

/** Options of `describeAdapterConformance()` and `adapterConformanceChecks()`. */
export interface AdapterConformanceOptions {
  /** The role the adapter must declare. @default AgentRole.AGENT */
  role?: AgentRole;
  /** The display name the adapter must declare. @default any non-empty name */
  name?: string;
  /**
   * Creates an adapter whose `call()` fails (its model server answers 500, its URL is closed).
   * Without it the error checks are skipped, and the skip says so.
   */
  failing?: AdapterFactory;
  /** The adapter declares that it reports token usage through `input.recordUsage`. @default false */
  reportsUsage?: boolean;
  /**
   * Everything the agent's side (its model, its server) has received so far, as text, such as
   * `() => JSON.stringify(fakeServer.requests)`. With it, the `newMessages` check also proves that
   * a message given only as new reached the agent.
   */
  received?: () => string;
  /** Each framework answer the adapter accepts, normalised and checked in a case of its own. */
  returnShapes?: AdapterReturnShapeCase[];
  /** Values (API keys, tokens) that must never appear in an error the adapter throws. */
  secrets?: string[];
  /**
   * The executor's `run()` (from `@scenario/core` or `@scenario/kit`). With it, the lifecycle and
   * error checks also run a one-turn scenario for real and check the result. The kit takes it as
   * an argument so it depends on `@scenario/spec` alone.
   */
  run?: (config: ScenarioConfig) => Promise<ScenarioResult>;
  /**
   * How long `call()` may take to settle after `interrupt()`, in milliseconds, before the check
   * fails. A bound, not a measurement.
   * @default 10000
   */
  interruptSettleMs?: number;
  /** Per-check vitest timeout, in milliseconds. @default 30000 */
  timeoutMs?: number;
}

/** One conformance check: run it, and it throws `AdapterConformanceError` when the adapter fails. */
export interface AdapterConformanceCheck {
  /** What the check proves, as a test title. */
  name: string;
  /** Why the check does not apply to this adapter; set means the check is skipped. */
  skip?: string;
  /** Runs the check. */
  run(): Promise<void>;
}
