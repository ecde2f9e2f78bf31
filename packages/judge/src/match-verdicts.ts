import type { CriterionVerdict, JudgeResult } from "@scenario/spec";
import type { FinishTestInput } from "./judge-tools";

/**
 * Pairs the judge's verdicts with the criteria BY TEXT, never by position: an exact match first,
 * then one that ignores case, spacing, numbering ("2. ") and end punctuation. Verdicts for unknown
 * criteria are returned apart; of two verdicts for one criterion the first counts. A criterion
 * without a verdict is absent from the map.
 */
export function matchVerdicts(
  criteria: readonly string[],
  verdicts: readonly CriterionVerdict[],
): { byCriterion: Map<string, CriterionVerdict>; unknown: CriterionVerdict[] } {
  const byCriterion = new Map<string, CriterionVerdict>();
  const byNormalized = new Map<string, string>();
  for (const criterion of criteria) {
    if (!byNormalized.has(normalizeCriterion(criterion)))
      byNormalized.set(normalizeCriterion(criterion), criterion);
  }
  const exact = new Set(criteria);
  const unknown: CriterionVerdict[] = [];
  for (const verdict of verdicts) {
    const criterion = exact.has(verdict.criterion)
      ? verdict.criterion
      : byNormalized.get(normalizeCriterion(verdict.criterion));
    if (criterion === undefined) unknown.push(verdict);
    else if (!byCriterion.has(criterion)) byCriterion.set(criterion, { ...verdict, criterion });
  }
  return { byCriterion, unknown };
}

function normalizeCriterion(text: string): string {
  return text
    .toLowerCase()
    .replace(/^\s*(?:\d+[.)]|[-*•])\s+/, "")
    .replace(/[\s.!;:,]+$/, "")
    .replace(/\s+/g, " ")
    .trim();
}

/**
 * Turns `finish_test` arguments into the judge's answer. When a verdict is `required` (an explicit
 * judgement or the last turn), every criterion gets one: inconclusive and missing ones count as
 * unmet, with the reason stated. Otherwise an unmet criterion ends the run as a failure, all met
 * ends it as a success, and anything still inconclusive or missing lets the run continue (`null`).
 */
export function judgeResultFrom(
  criteria: readonly string[],
  input: FinishTestInput,
  required: boolean,
): JudgeResult | null {
  const { byCriterion, unknown } = matchVerdicts(criteria, input.verdicts);
  const verdicts: CriterionVerdict[] = criteria.map(
    (criterion) =>
      byCriterion.get(criterion) ?? {
        criterion,
        verdict: "inconclusive",
        reasoning: "The judge gave no verdict on this criterion.",
      },
  );
  const anyUnmet = verdicts.some((verdict) => verdict.verdict === "unmet");
  const allMet = verdicts.every((verdict) => verdict.verdict === "met");
  if (!required && !anyUnmet && !allMet) return null;

  const unsettled = verdicts.filter((verdict) => verdict.verdict === "inconclusive");
  const why = required ? "a verdict was required" : "another criterion is unmet";
  const criteriaVerdicts = verdicts.map((verdict) =>
    verdict.verdict === "inconclusive"
      ? { ...verdict, reasoning: `Inconclusive, counted as unmet because ${why}: ${verdict.reasoning}` }
      : verdict,
  );
  const notes: string[] = [];
  if (unsettled.length > 0) {
    const one = unsettled.length === 1;
    notes.push(
      `${unsettled.length} ${one ? "criterion was" : "criteria were"} inconclusive and count${one ? "s" : ""} as unmet because ${why}.`,
    );
  }
  if (unknown.length > 0) {
    notes.push(
      `Ignored verdicts for unknown criteria: ${unknown.map((verdict) => JSON.stringify(verdict.criterion)).join(", ")}.`,
    );
  }
  const overall = input.reasoning.trim() || (allMet ? "" : unmetSummary(verdicts));
  const reasoning = [overall, ...notes].filter((text) => text !== "").join(" ");
  return {
    success: allMet,
    reasoning: reasoning || (allMet ? "All criteria were met." : "Some criteria were not met."),
    metCriteria: criteriaVerdicts
      .filter((verdict) => verdict.verdict === "met")
      .map((verdict) => verdict.criterion),
    unmetCriteria: criteriaVerdicts
      .filter((verdict) => verdict.verdict !== "met")
      .map((verdict) => verdict.criterion),
    criteria: criteriaVerdicts,
  };
}

// finish_test asks for no overall reasoning (see judge-tools), so a failure says which criteria are
// unmet and why, from the verdicts' own reasoning.
function unmetSummary(verdicts: readonly CriterionVerdict[]): string {
  return verdicts
    .filter((verdict) => verdict.verdict === "unmet")
    .map((verdict) => {
      const why = verdict.reasoning.trim();
      return `Unmet: ${verdict.criterion}${why === "" ? "." : ` (${why.replace(/\.$/, "")}).`}`;
    })
    .join(" ");
}
