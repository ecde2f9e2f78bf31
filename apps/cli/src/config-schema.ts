import { isScenarioReporter } from "@scenario/events";
import type { ScenarioModel, ScenarioProjectConfig } from "@scenario/kit";
import { CACHE_MODES, type CacheMode } from "@scenario/llm";
import { z } from "zod";

function isLanguageModel(value: unknown): value is ScenarioModel {
  if (typeof value === "string") return value.trim().length > 0;
  if (typeof value !== "object" || value === null) return false;
  const model = value as Record<string, unknown>;
  return typeof model.specificationVersion === "string" && typeof model.doGenerate === "function";
}

const modelSchema = z.custom<ScenarioModel>(isLanguageModel, {
  error: 'expected an AI SDK language model such as openai("gpt-4.1-mini"), or a model id string',
});

const positiveInteger = (what: string) =>
  z
    .number({ error: `expected a whole number (${what})` })
    .int({ error: `expected a whole number (${what})` })
    .min(1, {
      error: `expected at least 1 (${what})`,
    });

const positiveNumber = (what: string) =>
  z.number({ error: `expected a number (${what})` }).positive({ error: `expected more than 0 (${what})` });

const pricePerMillion = z
  .number({ error: "expected a number (dollars per million tokens)" })
  .min(0, { error: "expected 0 or more (dollars per million tokens)" });

const nonEmptyString = z
  .string({ error: "expected a string" })
  .min(1, { error: "expected a non-empty string" });

const reporterSchema = z.union(
  [
    nonEmptyString,
    z.tuple([nonEmptyString, z.record(z.string(), z.unknown())]),
    z.custom<object>(isScenarioReporter),
  ],
  {
    error:
      'expected a reporter name or module path ("console"), a [name, options] pair, or a reporter object with hooks such as onRunEnd',
  },
);

/**
 * The strict schema of `scenario.config.ts`. Checked against `ScenarioProjectConfig` so the
 * documented type and the validation cannot drift apart.
 */
export const projectConfigSchema = z.strictObject({
  defaultModel: z
    .union([
      modelSchema,
      z.strictObject({
        model: modelSchema,
        temperature: z
          .number({ error: "expected a number" })
          .min(0, { error: "expected 0 or more" })
          .optional(),
        maxTokens: positiveInteger("tokens").optional(),
      }),
    ])
    .optional(),
  concurrency: positiveInteger("scenarios at once").optional(),
  reporters: z.array(reporterSchema, { error: "expected an array of reporters" }).optional(),
  outputDir: nonEmptyString.optional(),
  cacheMode: z
    .enum(CACHE_MODES as unknown as [CacheMode, ...CacheMode[]], {
      error: `expected one of ${CACHE_MODES.join(", ")}`,
    })
    .optional(),
  cacheDir: nonEmptyString.optional(),
  maxTurns: positiveInteger("turns").optional(),
  testMatch: z.array(nonEmptyString, { error: "expected an array of glob patterns" }).optional(),
  testIgnore: z.array(nonEmptyString, { error: "expected an array of glob patterns" }).optional(),
  langwatch: z
    .strictObject({
      endpoint: nonEmptyString.optional(),
      apiKey: nonEmptyString.optional(),
      projectId: nonEmptyString.optional(),
    })
    .optional(),
  budget: z
    .strictObject({
      maxCostUsd: positiveNumber("US dollars").optional(),
      maxTokens: positiveInteger("tokens").optional(),
      maxDurationMs: positiveInteger("milliseconds").optional(),
    })
    .optional(),
  suiteBudget: z
    .strictObject({
      maxCostUsd: positiveNumber("US dollars").optional(),
      maxTokens: positiveInteger("tokens").optional(),
    })
    .optional(),
  prices: z
    .record(
      nonEmptyString,
      z.strictObject({
        inputPerMillion: pricePerMillion,
        outputPerMillion: pricePerMillion,
        cachedInputPerMillion: pricePerMillion.optional(),
      }),
      {
        error:
          'expected prices by model id, e.g. { "my-model": { inputPerMillion: 1, outputPerMillion: 4 } }',
      },
    )
    .optional(),
  timeout: z
    .number({ error: "expected a number of milliseconds (300000 is 5 minutes; 0 turns the deadline off)" })
    .min(0, { error: "expected 0 or more milliseconds (0 turns the deadline off)" })
    .optional(),
  retry: z
    .strictObject({
      maxAttempts: positiveInteger("attempts, the first included").optional(),
      timeoutMs: positiveInteger("milliseconds per attempt").optional(),
      initialDelayMs: z
        .number({ error: "expected a number (milliseconds)" })
        .min(0, { error: "expected 0 or more (milliseconds)" })
        .optional(),
      maxDelayMs: z
        .number({ error: "expected a number (milliseconds)" })
        .min(0, { error: "expected 0 or more (milliseconds)" })
        .optional(),
    })
    .optional(),
  headless: z.boolean({ error: "expected true or false" }).optional(),
  debug: z.boolean({ error: "expected true or false" }).optional(),
  setup: z
    .custom<NonNullable<ScenarioProjectConfig["setup"]>>((value) => typeof value === "function", {
      error: "expected a function",
    })
    .optional(),
}) satisfies z.ZodType<ScenarioProjectConfig>;

/** The keys a config file may set, for error messages. */
export const PROJECT_CONFIG_KEYS = Object.keys(projectConfigSchema.shape);

/**
 * Turns zod issues into one line per problem, each naming the key (`defaultModel.temperature`)
 * and what was expected.
 */
export function describeConfigIssues(
  issues: readonly z.core.$ZodIssue[],
  parentPath: PropertyKey[] = [],
): string[] {
  return issues.flatMap((issue) => {
    const path = [...parentPath, ...issue.path];
    if (issue.code === "unrecognized_keys") {
      const where = path.length > 0 ? ` in "${formatPath(path)}"` : "";
      const known = path.length === 0 ? ` Known keys: ${PROJECT_CONFIG_KEYS.join(", ")}.` : "";
      return issue.keys.map(
        (key) =>
          `unknown key "${formatPath([...path, key])}"${where}: remove it or fix its spelling.${known}`,
      );
    }
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      // Report the alternative that got furthest (deepest issue path): usually the intended one.
      const depth = (branch: readonly z.core.$ZodIssue[]) =>
        Math.max(...branch.map((entry) => entry.path.length));
      const best = [...issue.errors].sort((left, right) => depth(right) - depth(left))[0] ?? [];
      if (depth(best) > 0) return describeConfigIssues(best, path);
    }
    return [`"${formatPath(path)}": ${issue.message}`];
  });
}

function formatPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((segment) => (typeof segment === "number" ? `[${segment}]` : String(segment)))
      .join(".")
      .replace(/\.\[/g, "[") || "(root)"
  );
}
