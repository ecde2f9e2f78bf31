import { createRequire } from "node:module";
import { calcPrice } from "@pydantic/genai-prices";
import { ConfigurationError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { assertModelPrices, loadUsagePricer } from "./load-usage-pricer";

// The table's own published rates for the model, so the test follows a price update of the package
// while still checking how we hand it the tokens.
function tableRates(modelId: string) {
  const priced = calcPrice({ input_tokens: 1 }, modelId, { providerId: "openai" });
  if (!priced) throw new Error(`the price table no longer knows ${modelId}`);
  const rates = priced.model_price as { input_mtok: number; output_mtok: number; cache_read_mtok: number };
  return { input: rates.input_mtok, output: rates.output_mtok, cached: rates.cache_read_mtok };
}

describe("loadUsagePricer", () => {
  // First in the file: nothing here has loaded the table's CommonJS build yet (the import above
  // is the ES module build, a separate file).
  it("loads the bundled table only when a call needs it, so a run that prices nothing never does", async () => {
    const tableFile = createRequire(import.meta.url).resolve("@pydantic/genai-prices");
    const moduleCache = createRequire(import.meta.url).cache;
    const price = await loadUsagePricer({
      prices: { "my-finetune": { inputPerMillion: 3, outputPerMillion: 6 } },
    });
    expect(price({ inputTokens: 1_000_000, outputTokens: 0, modelId: "my-finetune" })).toBeCloseTo(3, 10);
    expect(price({ inputTokens: 100, outputTokens: 10 })).toBeUndefined();
    expect(moduleCache[tableFile]).toBeUndefined();
    const rates = tableRates("gpt-4.1-mini");
    expect(
      price({ inputTokens: 1_000_000, outputTokens: 0, modelId: "gpt-4.1-mini", provider: "openai" }),
    ).toBeCloseTo(rates.input, 10);
    expect(moduleCache[tableFile]).toBeDefined();
  });

  it("prices a known model from the bundled table, with the AI SDK's provider name", async () => {
    const price = await loadUsagePricer();
    const rates = tableRates("gpt-4.1-mini");
    const cost = price({
      inputTokens: 2_000_000,
      outputTokens: 1_000_000,
      modelId: "gpt-4.1-mini",
      provider: "openai.responses",
    });
    expect(cost).toBeCloseTo(2 * rates.input + rates.output, 10);
    expect(cost).toBeGreaterThan(0);
  });

  it("prices cached input tokens at their own, lower rate", async () => {
    const price = await loadUsagePricer();
    const rates = tableRates("gpt-4.1-mini");
    expect(rates.cached).toBeLessThan(rates.input);
    const usage = { inputTokens: 1_000_000, outputTokens: 0, modelId: "gpt-4.1-mini", provider: "openai" };
    const uncached = price(usage);
    const halfCached = price({ ...usage, cachedInputTokens: 500_000 });
    expect(uncached).toBeCloseTo(rates.input, 10);
    expect(halfCached).toBeCloseTo(0.5 * rates.input + 0.5 * rates.cached, 10);
  });

  it("lets custom prices override the table, by provider/model before the bare id", async () => {
    const price = await loadUsagePricer({
      prices: {
        "gpt-4.1-mini": { inputPerMillion: 10, outputPerMillion: 20 },
        "azure/gpt-4.1-mini": { inputPerMillion: 1, outputPerMillion: 2, cachedInputPerMillion: 0.5 },
        "my-finetune": { inputPerMillion: 3, outputPerMillion: 6 },
      },
    });
    const tokens = { inputTokens: 1_000_000, outputTokens: 1_000_000 };
    expect(price({ ...tokens, modelId: "gpt-4.1-mini", provider: "openai.chat" })).toBeCloseTo(30, 10);
    expect(
      price({ ...tokens, modelId: "gpt-4.1-mini", provider: "azure.chat", cachedInputTokens: 1_000_000 }),
    ).toBeCloseTo(0.5 + 2, 10);
    // Without cachedInputPerMillion, cached tokens cost the input rate.
    expect(price({ ...tokens, modelId: "my-finetune", cachedInputTokens: 500_000 })).toBeCloseTo(9, 10);
  });

  it("returns undefined, never a guess, for an unknown model or a call that names none", async () => {
    const price = await loadUsagePricer();
    expect(price({ inputTokens: 100, outputTokens: 10, modelId: "no-such-model-xyz" })).toBeUndefined();
    expect(price({ inputTokens: 100, outputTokens: 10 })).toBeUndefined();
    expect(
      price({ inputTokens: 100, modelId: "gpt-4.1-mini", provider: "no-such-provider" }),
    ).toBeUndefined();
  });

  it("refuses a custom price that is not a price, naming the model and field", async () => {
    await expect(
      loadUsagePricer({ prices: { "my-model": { inputPerMillion: -1, outputPerMillion: 1 } } }),
    ).rejects.toThrow(/prices\["my-model"\]\.inputPerMillion must be a number of dollars per million tokens/);
    expect(() => assertModelPrices({ "my-model": { inputPerMillion: 1 } })).toThrow(ConfigurationError);
  });
});
