import { describe, expect, it } from "vitest";
import { parseFinishTestInput } from "./judge-tools";
import { judgeResultFrom, matchVerdicts } from "./match-verdicts";

const criteria = [
  "The agent greets the user",
  "The agent asks for the order number",
  "The agent never swears",
];

describe("matchVerdicts", () => {
  it("matches verdicts by criterion text, whatever their order", () => {
    const { byCriterion, unknown } = matchVerdicts(criteria, [
      { criterion: "The agent never swears", verdict: "unmet", reasoning: "it swore" },
      { criterion: "The agent greets the user", verdict: "met", reasoning: "said hi" },
      { criterion: "The agent asks for the order number", verdict: "inconclusive", reasoning: "not yet" },
    ]);
    expect(unknown).toEqual([]);
    expect(byCriterion.get("The agent never swears")?.verdict).toBe("unmet");
    expect(byCriterion.get("The agent greets the user")?.verdict).toBe("met");
    expect(byCriterion.get("The agent asks for the order number")?.verdict).toBe("inconclusive");
  });

  it("tolerates case, spacing, numbering and end punctuation, and sets unknown criteria apart", () => {
    const { byCriterion, unknown } = matchVerdicts(criteria, [
      { criterion: "2.  the agent ASKS for the order number.", verdict: "met", reasoning: "" },
      { criterion: "The agent speaks French", verdict: "met", reasoning: "" },
    ]);
    expect(byCriterion.get("The agent asks for the order number")?.verdict).toBe("met");
    expect(byCriterion.get("The agent asks for the order number")?.criterion).toBe(
      "The agent asks for the order number",
    );
    expect(unknown.map((verdict) => verdict.criterion)).toEqual(["The agent speaks French"]);
  });

  it("keeps the first of two verdicts for one criterion", () => {
    const { byCriterion } = matchVerdicts(criteria, [
      { criterion: "The agent greets the user", verdict: "unmet", reasoning: "first" },
      { criterion: "The agent greets the user", verdict: "met", reasoning: "second" },
    ]);
    expect(byCriterion.get("The agent greets the user")?.reasoning).toBe("first");
  });
});

describe("judgeResultFrom", () => {
  const verdicts = (...entries: Array<[string, "met" | "unmet" | "inconclusive"]>) => ({
    reasoning: "Overall.",
    verdicts: entries.map(([criterion, verdict]) => ({
      criterion,
      verdict,
      reasoning: `${verdict} because`,
    })),
  });

  it("passes when every criterion is met, with met criteria in criteria order", () => {
    const result = judgeResultFrom(
      criteria,
      verdicts([criteria[2]!, "met"], [criteria[0]!, "met"], [criteria[1]!, "met"]),
      false,
    );
    expect(result?.success).toBe(true);
    expect(result?.metCriteria).toEqual(criteria);
    expect(result?.unmetCriteria).toEqual([]);
  });

  it("lets the run continue while something is inconclusive and nothing is unmet", () => {
    expect(
      judgeResultFrom(criteria, verdicts([criteria[0]!, "met"], [criteria[1]!, "inconclusive"]), false),
    ).toBe(null);
  });

  it("fails on an unmet criterion, naming it, even before a verdict is required", () => {
    const result = judgeResultFrom(
      criteria,
      verdicts([criteria[0]!, "met"], [criteria[1]!, "met"], [criteria[2]!, "unmet"]),
      false,
    );
    expect(result?.success).toBe(false);
    expect(result?.unmetCriteria).toEqual([criteria[2]]);
    expect(result?.criteria?.find((verdict) => verdict.criterion === criteria[2])?.reasoning).toBe(
      "unmet because",
    );
  });

  it("when a verdict is required, counts inconclusive and missing criteria as unmet and says why", () => {
    const result = judgeResultFrom(
      criteria,
      verdicts([criteria[1]!, "inconclusive"], [criteria[0]!, "met"]),
      true,
    );
    expect(result?.success).toBe(false);
    expect(result?.metCriteria).toEqual([criteria[0]]);
    expect(result?.unmetCriteria).toEqual([criteria[1], criteria[2]]);
    const byText = new Map(result?.criteria?.map((verdict) => [verdict.criterion, verdict]));
    expect(byText.get(criteria[1]!)?.verdict).toBe("inconclusive");
    expect(byText.get(criteria[1]!)?.reasoning).toMatch(
      /^Inconclusive, counted as unmet because a verdict was required/,
    );
    expect(byText.get(criteria[2]!)?.reasoning).toContain("The judge gave no verdict on this criterion.");
    expect(result?.reasoning).toContain("2 criteria were inconclusive and count as unmet");
  });

  it("never passes on verdicts for unknown criteria only", () => {
    const result = judgeResultFrom(criteria, verdicts(["Something else", "met"]), true);
    expect(result?.success).toBe(false);
    expect(result?.unmetCriteria).toEqual(criteria);
    expect(result?.reasoning).toContain('Ignored verdicts for unknown criteria: "Something else"');
  });

  it("without an overall reasoning (finish_test asks for none), a failure says which criteria are unmet and why", () => {
    const failed = judgeResultFrom(
      criteria,
      {
        reasoning: "",
        verdicts: [
          { criterion: criteria[0]!, verdict: "met", reasoning: "said hi" },
          { criterion: criteria[1]!, verdict: "unmet", reasoning: "it never asked." },
          { criterion: criteria[2]!, verdict: "unmet", reasoning: "" },
        ],
      },
      false,
    );
    expect(failed?.reasoning).toBe(`Unmet: ${criteria[1]} (it never asked). Unmet: ${criteria[2]}.`);
    const passed = judgeResultFrom(
      criteria,
      {
        reasoning: "",
        verdicts: criteria.map((criterion) => ({ criterion, verdict: "met", reasoning: "ok" })),
      },
      false,
    );
    expect(passed?.reasoning).toBe("All criteria were met.");
  });
});

describe("parseFinishTestInput", () => {
  const valid = {
    verdicts: [{ criterion: "A", verdict: "met", reasoning: "ok" }],
    reasoning: "fine",
  };

  it("reads well-formed arguments", () => {
    expect(parseFinishTestInput(valid)).toEqual({ ok: true, value: valid });
  });

  it("repairs trailing text, string-wrapped JSON, code fences and stringified verdicts", () => {
    for (const input of [
      `${JSON.stringify(valid)} I hope this helps!`,
      JSON.stringify(JSON.stringify(valid)),
      `\`\`\`json\n${JSON.stringify(valid)}\n\`\`\``,
      { ...valid, verdicts: JSON.stringify(valid.verdicts) },
      { reasoning: "fine", verdicts: { A: { verdict: "met", reasoning: "ok" } } },
    ]) {
      expect(parseFinishTestInput(input)).toEqual({ ok: true, value: valid });
    }
  });

  it("accepts verdicts in another case and 'not met', and a missing reasoning", () => {
    const parsed = parseFinishTestInput({
      verdicts: [
        { criterion: "A", verdict: " MET " },
        { criterion: "B", verdict: "Not Met", reasoning: "no" },
      ],
    });
    expect(parsed).toEqual({
      ok: true,
      value: {
        reasoning: "",
        verdicts: [
          { criterion: "A", verdict: "met", reasoning: "" },
          { criterion: "B", verdict: "unmet", reasoning: "no" },
        ],
      },
    });
  });

  it("reports what is wrong with unusable arguments", () => {
    const garbage = parseFinishTestInput("definitely not json");
    expect(garbage.ok).toBe(false);
    const badVerdict = parseFinishTestInput({ verdicts: [{ criterion: "A", verdict: "probably" }] });
    expect(badVerdict).toMatchObject({ ok: false, problem: expect.stringContaining("verdicts.0.verdict") });
  });
});
