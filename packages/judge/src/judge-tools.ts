import { type CriterionVerdict, JUDGE_TOOL_NAMES } from "@scenario/spec";
import { jsonSchema, type ToolSet, tool } from "ai";
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
      description: "Not decided yet: let the conversation go on.",
      inputSchema: jsonSchema({ type: "object", properties: {}, additionalProperties: false }),
    }),
    [FINISH_TEST]: tool({
      description: "Give a verdict on every criterion and end the test.",
      inputSchema: jsonSchema({
        type: "object",
        properties: {
          verdicts: {
            type: "array",
            items: {
              type: "object",
              properties: {
                criterion: { type: "string", enum: [...criteria] },
                reasoning: { type: "string" },
                // Kept short, but here too: a custom `systemPrompt` may not define the verdicts.
                verdict: {
                  type: "string",
                  enum: [...VERDICTS],
                  description: "unmet: violated or no longer possible; inconclusive: not shown yet.",
                },
              },
              required: ["criterion", "reasoning", "verdict"],
              additionalProperties: false,
            },
          },
          reasoning: { type: "string" },
        },
        required: ["verdicts", "reasoning"],
        additionalProperties: false,
      }),
    }),
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
