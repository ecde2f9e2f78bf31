import { type CriterionVerdict, JUDGE_TOOL_NAMES } from "@scenario/spec";
import { type JSONSchema7, jsonSchema, type ToolSet, tool } from "ai";
// "zod/v4" is the same API in zod 3.25+ and zod 4, so either major of the user's zod serves.
import { z } from "zod/v4";
import { repairJson } from "./repair-json";

/** The tool the judge calls when the conversation should go on. */
export const CONTINUE_TEST = JUDGE_TOOL_NAMES.continue;
/** The tool the judge calls to give its verdicts. */
export const FINISH_TEST = JUDGE_TOOL_NAMES.finish;

const VERDICTS = ["met", "unmet", "inconclusive"] as const;

/**
 * The judge's two tools, as fixed by the cross-team contract: `continue_test` without parameters,
 * and `finish_test` whose `verdicts[].criterion` is an enum of the exact criteria texts. They have
 * no `execute`: the judge reads the call, nothing runs.
 */
export function judgeTools(criteria: readonly string[]): ToolSet {
  return {
    [CONTINUE_TEST]: tool({
      description: "Not decided yet.",
      inputSchema: jsonSchema({ type: "object", properties: {}, additionalProperties: false }),
    }),
    [FINISH_TEST]: tool({
      description: "End the test once all criteria can be decided or one is clearly unmet.",
      inputSchema: jsonSchema(finishTestSchema(criteria)),
    }),
  };
}

/**
 * The JSON schema of `finish_test`'s arguments: `{ verdicts: [{ criterion, reasoning, verdict }] }`,
 * `criterion` an enum of the exact criteria texts. Strict-mode compatible (closed objects, every
 * field required), so providers that enforce tool schemas accept it.
 */
export function finishTestSchema(criteria: readonly string[]): JSONSchema7 {
  return {
    type: "object",
    properties: {
      verdicts: {
        type: "array",
        items: {
          type: "object",
          properties: {
            criterion: { type: "string", enum: [...criteria] },
            reasoning: { type: "string" },
            // Defined once, in the prompt's criteria heading, which custom instructions keep too.
            verdict: { type: "string", enum: [...VERDICTS] },
          },
          required: ["criterion", "reasoning", "verdict"],
          additionalProperties: false,
        },
      },
    },
    // No overall `reasoning`: it was written after the verdicts, so it informed none of them, and
    // it cost tokens on every judgement; the result's reasoning is composed from the verdicts'.
    required: ["verdicts"],
    additionalProperties: false,
  };
}

const verdictValue = z.preprocess(
  (value) =>
    typeof value === "string"
      ? value
          .trim()
          .toLowerCase()
          .replace(/^not[\s_-]*met$/, "unmet")
      : value,
  z.enum(VERDICTS),
);

const verdictEntry = z.object({
  criterion: z.string(),
  verdict: verdictValue,
  reasoning: z.string().optional().default(""),
});

const finishInput = z.object({
  verdicts: z.array(verdictEntry),
  reasoning: z.string().optional().default(""),
});

/** The `finish_test` arguments once read. */
export type FinishTestInput = { verdicts: CriterionVerdict[]; reasoning: string };

/**
 * Reads `finish_test` arguments: validated with zod after repairing the usual slips (a JSON
 * string instead of an object, trailing text, `verdicts` as a string or as an object keyed by
 * criterion, verdicts in another case). Returns the problem as text when they cannot be read.
 */
export function parseFinishTestInput(
  input: unknown,
): { ok: true; value: FinishTestInput } | { ok: false; problem: string } {
  const repaired = normalizeShape(typeof input === "string" ? repairJson(input) : input);
  const parsed = finishInput.safeParse(repaired);
  if (parsed.success) return { ok: true, value: parsed.data };
  const problem = parsed.error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.join(".") || "arguments"}: ${issue.message}`)
    .join("; ");
  return { ok: false, problem: `finish_test arguments are invalid (${problem})` };
}

function normalizeShape(value: unknown): unknown {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return value;
  const record = { ...(value as Record<string, unknown>) };
  if (typeof record.verdicts === "string") record.verdicts = repairJson(record.verdicts);
  const verdicts = record.verdicts;
  // `{ "criterion text": "met" }` or `{ "criterion text": { verdict, reasoning } }`
  if (verdicts !== null && typeof verdicts === "object" && !Array.isArray(verdicts)) {
    record.verdicts = Object.entries(verdicts as Record<string, unknown>).map(([criterion, entry]) =>
      entry !== null && typeof entry === "object"
        ? { criterion, ...(entry as object) }
        : { criterion, verdict: entry },
    );
  }
  return record;
}
