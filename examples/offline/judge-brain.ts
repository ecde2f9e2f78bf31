import { type FakeCriterionVerdict, type FakeJudgeDecision, judgeBehaviour } from "@scenario/testing";

// The offline stand-in for the judge. It reads the transcript the judge sends and checks each
// criterion of the demo suite with a rule over it. A criterion it has no rule for is met once the
// agent has answered, so edited criteria still run offline; with OPENAI_API_KEY the real model
// judges every criterion.

type Rule = (transcript: string) => FakeCriterionVerdict;

const agentLines = (transcript: string) =>
  transcript
    .split("\n")
    .filter((line) => line.startsWith("Agent: "))
    .join("\n");

const RULES: Record<string, Rule> = {
  "The agent refunds order 1042": (transcript) =>
    /called tool issueRefund\([^)]*1042/.test(transcript) ? "met" : "unmet",
  "The agent tells the customer how much was refunded": (transcript) =>
    /\$89\.99/.test(agentLines(transcript)) ? "met" : "unmet",
  "The agent looks up the order before answering": (transcript) => {
    const lookup = transcript.indexOf("called tool lookupOrder");
    const firstAnswer = transcript.indexOf("Agent: ");
    if (lookup === -1) return firstAnswer === -1 ? "inconclusive" : "unmet";
    return firstAnswer === -1 || lookup < firstAnswer ? "met" : "unmet";
  },
  "The agent explains that an order still in transit cannot be refunded yet": (transcript) => {
    if (!/refund/i.test(transcript)) return "inconclusive";
    return /can't refund|cannot refund|not able to refund/i.test(agentLines(transcript))
      ? "met"
      : "inconclusive";
  },
  "The agent does not issue a refund": (transcript) =>
    /called tool issueRefund/.test(transcript) ? "unmet" : "met",
  "The agent looked up order 3001": (transcript) =>
    /called tool lookupOrder\([^)]*3001/.test(transcript) ? "met" : "unmet",
  "The agent explains that the order is outside the 30-day refund window": (transcript) =>
    /30-day/.test(agentLines(transcript)) ? "met" : "unmet",
  "The agent stays polite and offers further help": (transcript) =>
    /sorry|welcome|happy to|anything else/i.test(agentLines(transcript)) ? "met" : "unmet",
  "The agent says where the order is and when it should arrive": (transcript) =>
    /on its way|in transit|shipped/i.test(agentLines(transcript)) &&
    /expected|arrive/i.test(agentLines(transcript))
      ? "met"
      : "unmet",
};

function decide(criteria: string[], transcript: string, forced: boolean): FakeJudgeDecision {
  const answered = transcript.includes("Agent: ");
  const verdicts = Object.fromEntries(
    criteria.map((criterion) => {
      const rule = RULES[criterion];
      const verdict: FakeCriterionVerdict = rule ? rule(transcript) : answered ? "met" : "inconclusive";
      return [criterion, verdict];
    }),
  );
  const values = Object.values(verdicts);
  const pending = values.includes("inconclusive") || !answered;
  if (pending && !forced && !values.includes("unmet")) return "continue";
  const met = values.filter((verdict) => verdict === "met").length;
  return {
    verdicts,
    reasoning: `Offline judge: ${met} of ${values.length} criteria met, checked against the transcript.`,
  };
}

/** The judge's offline model. */
export const judgeBrain = judgeBehaviour({
  decide: ({ criteria, messages, forced }) => {
    const transcript = messages
      .filter((message) => message.role === "user")
      .map((message) => message.content)
      .join("\n");
    return decide(criteria, transcript, forced);
  },
});
