import { ConfigurationError } from "@scenario/spec";
import type { LanguageModel } from "ai";
import type { RetryOptions } from "./call-with-retry";
import type { ModelPrices } from "./load-usage-pricer";

/**
 * How the record/replay cache treats model calls:
 * - `off`: never read or write recordings;
 * - `read-write`: serve a recording when there is one, otherwise call the model and record it;
 * - `replay`: serve recordings only; a call without one fails with `CacheMissError` (for CI);
 * - `record`: always call the model and overwrite the recording.
 */
export type CacheMode = "off" | "read-write" | "replay" | "record";

/** The cache modes, for validating input from files, flags and the environment. */
export const CACHE_MODES: readonly CacheMode[] = ["off", "read-write", "replay", "record"];

/**
 * Process-wide settings for Scenario's own LLM participants (judge, user simulator). The kit and
 * the CLI set them from `scenario.config.ts`; options given to a participant take precedence.
 */
export interface ScenarioLLMConfig {
  /**
   * The model used by participants that are not given one.
   * @default openai(process.env.SCENARIO_MODEL ?? "gpt-4.1-mini") when OPENAI_API_KEY is set
   */
  defaultModel?: LanguageModel | undefined;
  /**
   * The record/replay cache mode for scenarios with a `cacheKey`.
   * @default process.env.SCENARIO_CACHE_MODE, else "read-write"
   */
  cacheMode?: CacheMode | undefined;
  /**
   * Where recordings are stored, relative to the working directory unless absolute.
   * @default ".scenario/cache"
   */
  cacheDir?: string | undefined;
  /** Retry, backoff and timeout settings of every participant's model calls. */
  retry?: RetryOptions | undefined;
  /**
   * Custom model prices (dollars per million tokens) that override the bundled price table when
   * runs price their calls (`scenario.config.ts`'s `prices`).
   */
  prices?: ModelPrices | undefined;
}

// Kept on globalThis so that two copies of this module (an ESM and a CJS build, or a source and a
// dist copy loaded side by side) still share one configuration.
const CONFIG_SLOT = Symbol.for("@scenario/llm.config");

type GlobalWithConfig = typeof globalThis & { [CONFIG_SLOT]?: ScenarioLLMConfig };

/**
 * Sets process-wide LLM settings. Keys present in `config` replace the current values (pass
 * `undefined` to clear one); keys left out are kept.
 */
export function configureScenarioLLM(config: ScenarioLLMConfig): void {
  if (config.cacheMode !== undefined)
    assertCacheMode(config.cacheMode, "configureScenarioLLM({ cacheMode })");
  const holder = globalThis as GlobalWithConfig;
  holder[CONFIG_SLOT] = { ...holder[CONFIG_SLOT], ...config };
}

/** The current process-wide LLM settings (see `configureScenarioLLM`). */
export function getScenarioLLMConfig(): Readonly<ScenarioLLMConfig> {
  return (globalThis as GlobalWithConfig)[CONFIG_SLOT] ?? {};
}

/** Throws a clear error unless `mode` is one of `CACHE_MODES`. */
export function assertCacheMode(mode: unknown, source: string): asserts mode is CacheMode {
  if (typeof mode !== "string" || !(CACHE_MODES as readonly string[]).includes(mode)) {
    throw new ConfigurationError(
      `Invalid cache mode ${JSON.stringify(mode)} in ${source}. Use one of: ${CACHE_MODES.join(", ")}.`,
    );
  }
}
