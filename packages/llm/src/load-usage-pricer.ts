import { createRequire } from "node:module";
import { ConfigurationError, type TokenUsage, type UsagePricer } from "@scenario/spec";

/** A model's price per million tokens, in US dollars, for `prices` in `scenario.config.ts`. */
export interface ModelPrice {
  /** Dollars per million prompt tokens. */
  inputPerMillion: number;
  /** Dollars per million completion tokens. */
  outputPerMillion: number;
  /** Dollars per million prompt tokens served from the prompt cache. @default inputPerMillion */
  cachedInputPerMillion?: number;
}

/**
 * Custom prices by model: the key is a model id (`"my-finetune"`) or a provider and model id
 * (`"openai/gpt-4.1-mini"`, which wins over the bare id). They override the bundled price table.
 */
export type ModelPrices = Record<string, ModelPrice>;

/** Options of `loadUsagePricer()`. */
export interface LoadUsagePricerOptions {
  /** Prices that override the bundled table (and price models it does not know). */
  prices?: ModelPrices | undefined;
}

type PriceTable = typeof import("@pydantic/genai-prices");

// The table is about 0.5 MB of JavaScript and ~90 ms to load: it is loaded by the first call that
// needs it, once per process, so a replayed run (whose calls spent nothing and are not priced) and
// a run priced from custom prices alone never load it. The pricer is synchronous, hence `require`.
const localRequire = createRequire(import.meta.url);
let priceTable: PriceTable | undefined;
const loadPriceTable = (): PriceTable => {
  priceTable ??= localRequire("@pydantic/genai-prices") as PriceTable;
  return priceTable;
};

/**
 * Makes the function that prices a model call from its usage: custom `prices` first, then the
 * price table of `@pydantic/genai-prices` (maintained by Pydantic), by `usage.modelId` and
 * `usage.provider`. A call whose model is not known, or that names no model, is priced
 * `undefined` ("cost unknown"), never guessed. Cached prompt tokens are priced at their own rate.
 */
export async function loadUsagePricer(options: LoadUsagePricerOptions = {}): Promise<UsagePricer> {
  const prices = options.prices ?? {};
  assertModelPrices(prices);
  return (usage: TokenUsage) => {
    const modelId = usage.modelId;
    if (typeof modelId !== "string" || modelId === "") return undefined;
    const provider = providerIdOf(usage.provider);
    const custom = (provider !== undefined ? prices[`${provider}/${modelId}`] : undefined) ?? prices[modelId];
    const tokens = tokenCounts(usage);
    if (custom) return customCost(custom, tokens);
    const table = loadPriceTable();
    try {
      const priced = table.calcPrice(
        { input_tokens: tokens.input, output_tokens: tokens.output, cache_read_tokens: tokens.cached },
        modelId,
        provider === undefined ? {} : { providerId: provider },
      );
      return priced ? priced.total_price : undefined;
    } catch {
      // The table refuses usage it cannot price (more cached tokens than input tokens): cost unknown.
      return undefined;
    }
  };
}

/** The AI SDK names providers `openai.responses`, `anthropic.messages`: the price table knows `openai`. */
function providerIdOf(provider: string | undefined): string | undefined {
  if (typeof provider !== "string" || provider === "") return undefined;
  return provider.split(".")[0];
}

function tokenCounts(usage: TokenUsage): { input: number; output: number; cached: number } {
  const input = nonNegative(usage.inputTokens);
  return {
    input,
    output: nonNegative(usage.outputTokens),
    cached: Math.min(nonNegative(usage.cachedInputTokens), input),
  };
}

function customCost(price: ModelPrice, tokens: { input: number; output: number; cached: number }): number {
  const cachedRate = price.cachedInputPerMillion ?? price.inputPerMillion;
  return (
    ((tokens.input - tokens.cached) * price.inputPerMillion +
      tokens.cached * cachedRate +
      tokens.output * price.outputPerMillion) /
    1_000_000
  );
}

function nonNegative(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) && value > 0 ? value : 0;
}

/** Throws a `ConfigurationError` naming the model and field when a custom price is not a price. */
export function assertModelPrices(prices: unknown, source = "prices"): asserts prices is ModelPrices {
  if (prices === null || typeof prices !== "object" || Array.isArray(prices)) {
    throw new ConfigurationError(
      `${source} must map model ids to prices, e.g. { "gpt-4.1-mini": { inputPerMillion: 0.4, outputPerMillion: 1.6 } }.`,
    );
  }
  for (const [model, price] of Object.entries(prices)) {
    const fields = price as Partial<Record<keyof ModelPrice, unknown>> | null;
    for (const field of ["inputPerMillion", "outputPerMillion", "cachedInputPerMillion"] as const) {
      const value = fields?.[field];
      const optional = field === "cachedInputPerMillion";
      if (
        (value === undefined && optional) ||
        (typeof value === "number" && Number.isFinite(value) && value >= 0)
      ) {
        continue;
      }
      throw new ConfigurationError(
        `${source}["${model}"].${field} must be a number of dollars per million tokens (0 or more), got ${JSON.stringify(value)}.`,
      );
    }
  }
}
