import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { buildJudgePrompt, CRITERIA_HEADING, DEFAULT_JUDGE_INSTRUCTIONS } from "./judge-prompt";
import { finishTestSchema } from "./judge-tools";

const criteria = ["The agent greets the user", "The agent asks for the order number"];
const conversation: ModelMessage[] = [
  { role: "user", content: "hi, my parcel never arrived" },
  { role: "assistant", content: "Hello! What is your order number?" },
];

const prompt = (overrides: Partial<Parameters<typeof buildJudgePrompt>[0]> = {}) =>
  buildJudgePrompt({
    instructions: DEFAULT_JUDGE_INSTRUCTIONS,
    description: "A customer whose parcel never arrived asks for help.",
    criteria,
    messages: conversation,
    ...overrides,
  });
const textOf = (built: ReturnType<typeof buildJudgePrompt>) => built.messages[0].content as string;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

type FinishSchema = {
  properties: {
    verdicts: {
      items: { properties: Record<string, { enum?: string[]; description?: string }>; required: string[] };
    };
    reasoning?: unknown;
  };
  required: string[];
};
const finishSchema = () => finishTestSchema(criteria) as unknown as FinishSchema;

describe("buildJudgePrompt", () => {
  it("names each criterion once, in a system prompt that stays the same as the transcript grows", () => {
    const early = prompt({ messages: conversation.slice(0, 1) });
    const later = prompt();
    expect(later.system).toBe(early.system);
    for (const criterion of criteria) expect(occurrences(later.system, criterion)).toBe(1);
    for (const criterion of criteria) expect(occurrences(textOf(later), criterion)).toBe(0);
    expect(later.system.startsWith(DEFAULT_JUDGE_INSTRUCTIONS)).toBe(true);
    expect(later.system.endsWith(`${CRITERIA_HEADING}\n1. ${criteria[0]}\n2. ${criteria[1]}`)).toBe(true);
  });

  it("sends the transcript last and nothing after it, unless a retry says what was wrong", () => {
    expect(textOf(prompt())).toBe(
      "Transcript:\nUser: hi, my parcel never arrived\nAgent: Hello! What is your order number?",
    );
    expect(textOf(prompt({ correction: "it did not call finish_test" }))).toMatch(
      /What is your order number\?\n\nYour previous reply could not be used: it did not call finish_test$/,
    );
  });

  it("defines the verdicts after custom instructions too", () => {
    const custom = prompt({ instructions: "Be strict about tone." });
    expect(custom.system.startsWith("Be strict about tone.\n\nScenario: A customer")).toBe(true);
    expect(custom.system).toContain(CRITERIA_HEADING);
    for (const verdict of ["met", "unmet", "inconclusive"]) expect(CRITERIA_HEADING).toContain(`${verdict}`);
  });
});

describe("finishTestSchema", () => {
  it("keeps finish_test's criterion an enum of the exact criteria texts, every field required", () => {
    const schema = finishSchema();
    const item = schema.properties.verdicts.items;
    expect(item.properties.criterion?.enum).toEqual(criteria);
    expect(item.properties.verdict?.enum).toEqual(["met", "unmet", "inconclusive"]);
    expect(item.required).toEqual(["criterion", "reasoning", "verdict"]);
    expect(schema.required).toEqual(["verdicts"]);
  });

  it("defines nothing twice: no verdict definitions and no overall reasoning in the schema", () => {
    const schema = finishSchema();
    expect(schema.properties.verdicts.items.properties.verdict?.description).toBeUndefined();
    expect(schema.properties.reasoning).toBeUndefined();
  });
});
