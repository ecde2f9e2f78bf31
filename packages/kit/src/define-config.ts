import type { CacheMode, ModelPrices, RetryOptions, ScenarioLLMConfig } from "@scenario/llm";
import type { ReporterSpec, ScenarioBudget, SuiteBudget } from "@scenario/spec";

/** A language model: an AI SDK model instance such as `openai("gpt-4.1-mini")`, or a model id. */
export type ScenarioModel = NonNullable<ScenarioLLMConfig["defaultModel"]>;

/** A model with call settings, as `@langwatch/scenario` accepts it in `defaultModel`. */
export interface ScenarioModelSettings {
  /** The model. */
  model: ScenarioModel;
  /** Sampling temperature of the judge's and the user simulator's calls. */
  temperature?: number;
  /** The most tokens one of their replies may use. */
  maxTokens?: number;
}

/** What `setup` may return: a function run once after the last scenario, to release what it opened. */
export type ScenarioTeardown = () => void | Promise<void>;

/** The LangWatch collector that runs are posted to (see the `langwatch` reporter). */
export interface LangWatchSettings {
  /** The collector's base URL. @default process.env.LANGWATCH_ENDPOINT, else https://app.langwatch.ai */
  endpoint?: string;
  /** The API key. @default process.env.LANGWATCH_API_KEY */
  apiKey?: string;
  /** The project id, for organisation-level keys. */
  projectId?: string;
}

/**
 * The project configuration in `scenario.config.ts` (also `.mts`, `.js`, `.mjs`). The CLI finds
 * it in the working directory (or takes `--config`), validates it strictly and lets its flags
 * override it.
 */
export interface ScenarioProjectConfig {
  /**
   * The model of the judge and the user simulator when they are not given one.
   * @default openai("gpt-4.1-mini") when OPENAI_API_KEY is set
   */
  defaultModel?: ScenarioModel | ScenarioModelSettings;
  /**
   * How many scenarios run at once, across all files.
   * @default 4
   */
  concurrency?: number;
  /**
   * Reporters by name (`console`, `jsonl`, `junit`, `html`, `http`), module path, `[name, options]`
   * or instance. Given on the command line, `--reporter` replaces this list.
   * @default ["console", "jsonl", "junit", "html"]
   */
  reporters?: ReporterSpec[];
  /**
   * Where file reporters write, relative to the config file.
   * @default "scenario-reports"
   */
  outputDir?: string;
  /**
   * The record/replay cache of model calls: `off`, `read-write`, `replay` (CI: fail on a miss) or
   * `record`.
   * @default "off"
   */
  cacheMode?: CacheMode;
  /**
   * Where recordings live, relative to the config file.
   * @default ".scenario/cache"
   */
  cacheDir?: string;
  /**
   * The turn limit of scenarios that set none.
   * @default 10
   */
  maxTurns?: number;
  /**
   * Globs (relative to the config file) of the scenario files to run.
   * @default ["**\/*.scenario.{ts,mts,js,mjs}"]
   */
  testMatch?: string[];
  /**
   * Globs of files never to run, added to the built-in `node_modules`, `dist`, `.turbo` and
   * `.scenario` folders.
   * @default []
   */
  testIgnore?: string[];
  /** Where the `langwatch` reporter posts runs. */
  langwatch?: LangWatchSettings;
  /**
   * The budget of every scenario, key by key under the scenario's own `budget`: a run over it ends
   * as ERROR, naming the budget and the figure reached.
   */
  budget?: ScenarioBudget;
  /**
   * The budget of the whole suite: once the finished runs reach it, no further scenario starts.
   * `scenario run --max-cost` and `--max-tokens` override it.
   */
  suiteBudget?: SuiteBudget;
  /**
   * Model prices in dollars per million tokens, by model id or `provider/model id`, over the
   * bundled price table: `{ "my-finetune": { inputPerMillion: 1, outputPerMillion: 4 } }`.
   */
  prices?: ModelPrices;
  /**
   * The deadline of scenarios that set no `timeout`, in milliseconds from a run's start: a run still
   * going then ends as ERROR, naming the step it was in. `0` turns it off. `scenario run --timeout`
   * overrides both.
   * @default 300000 (5 minutes)
   */
  timeout?: number;
  /**
   * How the judge's and the user simulator's model calls are timed out and retried (a participant's
   * own `retry` option wins). Only transient faults are retried: 408, 409, 429, 5xx, timeouts,
   * dropped connections and malformed or cut-off responses.
   * @default { maxAttempts: 3, timeoutMs: 60000, initialDelayMs: 1000, maxDelayMs: 30000 }
   */
  retry?: Omit<RetryOptions, "clock">;
  /** Accepted for `@langwatch/scenario` config files; Scenario never opens a browser. */
  headless?: boolean;
  /**
   * Step through every scenario by hand (as `scenario run --debug`): one at a time, each message
   * printed, and before each user-simulator turn a prompt where Enter lets the simulator speak and
   * typed text is sent as the user's line instead. Needs an interactive terminal.
   * @default false (or true when SCENARIO_DEBUG=1)
   */
  debug?: boolean;
  /**
   * Runs once before the first scenario (not for `--list`): start a local server, seed a database,
   * point the agent at a fake model. May return a teardown function, run after the last scenario
   * and also after Ctrl-C.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: an async setup without a teardown returns Promise<void>.
  setup?: () => void | ScenarioTeardown | Promise<void | ScenarioTeardown>;
}

/**
 * Types a `scenario.config.ts` for editors. It returns the object unchanged: the CLI validates it
 * when it loads the file, and names any unknown key or wrong type together with the file.
 */
export function defineConfig(config: ScenarioProjectConfig): ScenarioProjectConfig {
  return config;
}
