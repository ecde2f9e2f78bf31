// What the judge costs by default (issue 15, point 1), side by side with @langwatch/scenario: the
// same 10-turn scenario (a user simulator, a plain AI SDK generateText agent and the judge, no
// script, maxTurns 10, default judge settings on both sides) through both frameworks, pointed at
// ONE local fake OpenAI server with no latency. The fake judge lets the conversation go on until a
// verdict is forced (the last turn), where it finds every criterion met: criteria that only settle
// at the end, so every judgement a framework asks for before that is spent for nothing.
//
// How tokens are counted, the same for both sides, from the request the fake received (normalised
// to chat messages whichever OpenAI API was used): the real o200k tokenizer (gpt-tokenizer) over
// every message's text (the system prompt included), plus 3 tokens per message and 3 to prime the
// reply (OpenAI's documented chat overhead), plus each tool offered as the compact JSON of
// { name, description, parameters } (providers bill tool definitions as input; OpenAI renders them
// in its own format, so this is an estimate of the same size for both sides). A request counts as
// the judge's when it offers a finish_test tool: the reference sends no X-Scenario-Role header, so
// its judge is recognised by its tools, and ours the same way. The fake's own usage figure (its
// word-count estimate, from the X-Scenario-Role header: ours only) is printed beside it.
//
// The reference appends a digest of its own OpenTelemetry spans to every judgement by default (and
// expand_trace/grep_trace tools once that digest is large). Its spans accumulate in a process-wide
// collector, so that part grows from run to run: the first row counts what it sends, the second
// (the one with the target) leaves the trace part out, the stricter comparison. Rows for ours with
// judgeEvery "turn" (the reference's cadence) and "end" show the trade-off of the default.
//
// Token counts are deterministic, so two rounds suffice (BENCH_ROUNDS to change it); BENCH_QUICK=1
// runs one round. Needs the packages built (npm run build).
//
//   node judge-tokens.bench.mjs
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { alternate, benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 1 : 2));
const MAX_TURNS = 10;
const TARGET = "≤ 0.25× the reference (ratio ≥ 4x)";

for (const name of ["core", "judge", "user-simulator", "testing"]) {
  if (!existsSync(fileURLToPath(new URL(`../packages/${name}/dist/index.js`, import.meta.url)))) {
    console.error(`packages/${name}/dist is missing: build first (npm run build).`);
    process.exit(1);
  }
}

// The reference passes its judge prompt as a system message, which the AI SDK warns about on every call.
globalThis.AI_SDK_LOG_WARNINGS = false;
const { tsImport } = await import("tsx/esm/api");
const referenceModule = await tsImport("@langwatch/scenario", import.meta.url);
const reference = referenceModule.default;
const ReferenceRole = referenceModule.AgentRole;
const { encode } = await import("gpt-tokenizer");
const { createOpenAI } = await import("@ai-sdk/openai");
const { generateText } = await import("ai");
const { run } = await import("@scenario/core");
const { judgeAgent } = await import("@scenario/judge");
const { userSimulatorAgent } = await import("@scenario/user-simulator");
const { AgentRole } = await import("@scenario/spec");
const { judgeBehaviour, startFakeOpenAIServer } = await import("@scenario/testing");

const DESCRIPTION =
  "A customer whose electric kettle arrived with a cracked lid wants their money back. They are polite but firm, and have the order number at hand.";
const CRITERIA = [
  "The agent confirms the refund amount and when the money will arrive",
  "The agent offers a replacement kettle as an alternative to the refund",
  "The agent never asks for the customer's full card number",
];
const USER_LINES = [
  "Hi, my kettle arrived yesterday with a cracked lid. I'd like a refund please, the order number is KT-48213.",
  "Yes, it's the 1.7 litre stainless steel one. The crack runs right across the lid so it won't close.",
  "I'd rather have my money back than wait for another one, to be honest. How long does that take?",
  "I paid with my Visa card. Do you need anything else from me to process it?",
  "Okay. And will I need to send the broken kettle back, or can I just throw it away?",
  "Is there a prepaid label, or do I have to pay for the postage myself?",
  "Fine. Can you tell me exactly how much will be refunded, including the delivery charge?",
  "And when will I actually see the money on my card statement?",
  "Actually, if a replacement could come this week I might take that instead. Is that possible?",
  "Alright, I'll stick with the refund. Thanks for your help today.",
];
const AGENT_LINES = [
  "I'm sorry your kettle arrived damaged. Thank you for the order number, KT-48213. I can see the order for the 1.7 litre stainless steel kettle delivered yesterday. Could you describe the damage so I can log it with the claim?",
  "Thank you, a cracked lid that won't close is definitely a fault we cover. You can choose a full refund or a free replacement sent out by express delivery. Which would you prefer?",
  "Of course. Refunds are processed within 2 working days of approval, and your bank usually shows the money 3 to 5 working days after that. I'll start the refund claim now.",
  "Nothing else is needed for the refund: it goes back to the card used for the order automatically. I've attached the photos requirement as optional, so you don't need to send any.",
  "We do ask for the kettle back so our supplier can inspect the fault. I'll email you a returns form with the address of our returns centre in the next few minutes.",
  "The label is prepaid: print it from the email and drop the parcel at any post office. There is no charge to you for the return postage.",
  "The refund is £39.99 for the kettle plus the £4.95 delivery charge, so £44.94 in total, back to the original card.",
  "Once the returned kettle is scanned at the post office we approve the refund within 2 working days; the money should be on your statement 3 to 5 working days later.",
  "A replacement can be dispatched today by express delivery and would arrive within 2 working days, at no extra cost. Would you like me to switch to that instead?",
  "You're welcome! Your refund of £44.94 is confirmed and the returns email is on its way. Is there anything else I can help you with today?",
];

// The fake judge, the same rule for both sides: the criteria settle when the agent's last line (its
// confirmation of the refund) is in the transcript, so it continues until then and then finds
// every criterion met; a verdict forced earlier finds them inconclusive. Ours is answered by the
// shared judgeBehaviour; the reference's finish_test has another shape (a `criteria` object keyed
// by parameter names, "true"/"false"/"inconclusive", an overall verdict), so it is answered here.
const SETTLED = "Your refund of £44.94 is confirmed";
const settled = (messages) => messages.some((message) => (message.content ?? "").includes(SETTLED));
const oursJudge = judgeBehaviour({
  decide: ({ messages, forced }) =>
    settled(messages) ? { defaultVerdict: "met" } : forced ? { defaultVerdict: "inconclusive" } : "continue",
});
function referenceJudge(request) {
  const done = settled(request.messages);
  const choice = request.toolChoice;
  if (!done && !(typeof choice === "object" && choice.toolName === "finish_test")) {
    return { toolCalls: [{ name: "continue_test", arguments: {} }] };
  }
  const finish = request.tools.find((tool) => tool.name === "finish_test");
  const names = Object.keys(finish.parameters.properties.criteria.properties);
  const criteria = Object.fromEntries(names.map((name) => [name, done ? "true" : "inconclusive"]));
  const verdict = done ? "success" : "inconclusive";
  return {
    toolCalls: [{ name: "finish_test", arguments: { criteria, reasoning: "The fake judge.", verdict } }],
  };
}

let userTurn = 0;
let agentTurn = 0;
const server = await startFakeOpenAIServer({
  latencyMs: 0,
  reply: (request) => {
    if (request.tools.some((tool) => tool.name === "finish_test")) {
      return request.role === "judge" ? oursJudge(request) : referenceJudge(request);
    }
    if (request.headers["x-bench-participant"] === "agent") {
      return AGENT_LINES[agentTurn++ % AGENT_LINES.length];
    }
    return USER_LINES[userTurn++ % USER_LINES.length];
  },
});
const provider = createOpenAI({ apiKey: "bench-key", baseURL: server.baseURL });
const model = provider("gpt-4.1-mini");

/** The agent under test: one generateText call per turn, marked by a header so the fake knows it. */
function supportAgent(role) {
  return {
    role,
    name: "SupportAgent",
    call: async (input) => {
      const result = await generateText({
        model,
        system: "You are a helpful customer-support agent for an online kitchenware shop.",
        messages: input.messages,
        headers: { "x-bench-participant": "agent" },
      });
      return result.text;
    },
  };
}

const TRACE_TOOLS = new Set(["expand_trace", "grep_trace"]);

/** A tool definition's tokens: the compact JSON of its name, description and parameters. */
function toolTokens(tool) {
  const definition = { name: tool.name, description: tool.description ?? "", parameters: tool.parameters };
  return encode(JSON.stringify(definition)).length;
}

/**
 * The tokens the reference spends on its trace in a request (ours sends none by default): its
 * digest, from the first opening tag to the last closing one (the digest quotes earlier prompts,
 * tags included), and the expand_trace/grep_trace tools it adds once the digest is large.
 */
function traceTokensOf(request) {
  let tokens = 0;
  for (const message of request.messages) {
    const content = message.content ?? "";
    const start = content.indexOf("<opentelemetry_traces>");
    const end = content.lastIndexOf("</opentelemetry_traces>");
    if (start !== -1 && end > start) {
      tokens += encode(content.slice(start, end + "</opentelemetry_traces>".length)).length;
    }
  }
  for (const tool of request.tools) if (TRACE_TOOLS.has(tool.name)) tokens += toolTokens(tool);
  return tokens;
}

function tokensOf(request) {
  let tokens = 3;
  for (const message of request.messages) {
    tokens += 3 + encode(message.content ?? "").length;
    for (const call of message.toolCalls ?? []) tokens += encode(JSON.stringify(call)).length;
  }
  for (const tool of request.tools) tokens += toolTokens(tool);
  return tokens;
}

/** One run of the scenario; returns what it cost, read from the fake's request log. */
async function measure(start) {
  server.reset();
  userTurn = 0;
  agentTurn = 0;
  const result = await start();
  if (!result.success) throw new Error(`the bench scenario must pass: ${result.reasoning}`);
  const entries = server.requests.filter((entry) => entry.request);
  const judge = entries.filter((entry) => entry.request.tools.some((tool) => tool.name === "finish_test"));
  if (process.env.DUMP_JUDGE) {
    const { writeFileSync } = await import("node:fs");
    writeFileSync(
      `${process.env.DUMP_JUDGE}-${judge[0].role}.json`,
      JSON.stringify(
        judge.map((entry) => entry.request),
        null,
        1,
      ),
    );
  }
  return {
    judgeCalls: judge.length,
    judgeTokens: judge.reduce((sum, entry) => sum + tokensOf(entry.request), 0),
    judgeTraceTokens: judge.reduce((sum, entry) => sum + traceTokensOf(entry.request), 0),
    perCall: judge.map((entry) => tokensOf(entry.request)),
    allTokens: entries.reduce((sum, entry) => sum + tokensOf(entry.request), 0),
    fakeJudgeInput: server.usage.byRole.judge?.inputTokens ?? null,
  };
}

const ours = (judgeOptions = {}) =>
  measure(() =>
    run({
      name: "kettle refund",
      description: DESCRIPTION,
      agents: [
        supportAgent(AgentRole.AGENT),
        userSimulatorAgent({ model }),
        judgeAgent({ criteria: CRITERIA, model, ...judgeOptions }),
      ],
      maxTurns: MAX_TURNS,
    }),
  );
const theirs = () =>
  measure(() =>
    reference.run({
      name: "kettle refund",
      description: DESCRIPTION,
      agents: [
        supportAgent(ReferenceRole.AGENT),
        reference.userSimulatorAgent({ model }),
        reference.judgeAgent({ criteria: CRITERIA, model }),
      ],
      maxTurns: MAX_TURNS,
    }),
  );

// One run per side per round, alternating; every metric is read from the same runs.
const seen = { ours: [], reference: [] };
const record = (side, start) => async () => {
  const figures = await start();
  seen[side].push(figures);
  return figures.judgeTokens;
};
const judgeTokens = await alternate(ROUNDS, {
  ours: record("ours", () => ours()),
  reference: record("reference", theirs),
});
// Ours with the other cadences, for the trade-off: "turn" is the reference's cadence (what the
// shorter prompt alone saves), "end" the cheapest (no early stop at all).
const cadences = { turn: [], end: [] };
for (let round = 0; round < ROUNDS; round++) {
  for (const judgeEvery of Object.keys(cadences)) cadences[judgeEvery].push(await ours({ judgeEvery }));
}
await server.close();
const metric = (pick) => ({
  ours: summarize(seen.ours.map(pick)),
  reference: summarize(seen.reference.map(pick)),
});
const judgeCalls = metric((figures) => figures.judgeCalls);
const allTokens = metric((figures) => figures.allTokens);
// The reference appends a digest of its own OpenTelemetry spans (prompts of earlier calls included)
// to every judgement by default; without it the comparison is the stricter one.
const withoutTrace = metric((figures) => figures.judgeTokens - figures.judgeTraceTokens);

const last = { ours: seen.ours.at(-1), reference: seen.reference.at(-1) };
console.log(`judge input tokens per call, ours:      ${last.ours.perCall.join(", ")}`);
console.log(`judge input tokens per call, reference: ${last.reference.perCall.join(", ")}`);
console.log(`  of which the reference's trace digest and trace tools: ${last.reference.judgeTraceTokens}`);
console.log(
  `the fake's own estimate of ours' judge input (its word count, X-Scenario-Role: judge): ${last.ours.fakeJudgeInput}`,
);

reportBench("judge-tokens", [
  benchRow({
    id: "judge-input-tokens",
    metric: `judge input tokens, ${MAX_TURNS}-turn scenario, default settings`,
    unit: "o200k tokens",
    better: "lower",
    ours: judgeTokens.ours,
    reference: judgeTokens.reference,
    note: "system prompt + messages + tool definitions of every judge request, o200k; the reference's include its default digest of its own spans, whose size varies from run to run",
  }),
  benchRow({
    id: "judge-input-tokens-without-trace",
    metric: `judge input tokens, ${MAX_TURNS}-turn scenario, reference without its trace digest`,
    unit: "o200k tokens",
    better: "lower",
    ours: withoutTrace.ours,
    reference: withoutTrace.reference,
    target: TARGET,
    note: "the stricter comparison: the reference's <opentelemetry_traces> section and trace tools are not counted",
  }),
  benchRow({
    id: "judge-input-tokens-every-turn",
    metric: `judge input tokens, ${MAX_TURNS}-turn scenario, ours with judgeEvery: "turn" (the reference's cadence)`,
    unit: "o200k tokens",
    better: "lower",
    ours: summarize(cadences.turn.map((figures) => figures.judgeTokens)),
    reference: withoutTrace.reference,
    note: "same cadence on both sides: what the shorter prompt and tools alone save (reference without its trace digest)",
  }),
  benchRow({
    id: "judge-input-tokens-end-only",
    metric: `judge input tokens, ${MAX_TURNS}-turn scenario, ours with judgeEvery: "end"`,
    unit: "o200k tokens",
    better: "lower",
    ours: summarize(cadences.end.map((figures) => figures.judgeTokens)),
    reference: null,
    note: "the floor: one judgement at the last turn, no early stop; the reference has no such option",
  }),
  benchRow({
    id: "judge-calls",
    metric: `judge calls, ${MAX_TURNS}-turn scenario, default settings`,
    unit: "calls",
    better: "lower",
    ours: judgeCalls.ours,
    reference: judgeCalls.reference,
    note: "the fake judge continues until a verdict is forced at the last turn",
  }),
  benchRow({
    id: "scenario-input-tokens",
    metric: `whole-scenario input tokens (user + agent + judge), ${MAX_TURNS} turns`,
    unit: "o200k tokens",
    better: "lower",
    ours: allTokens.ours,
    reference: allTokens.reference,
    note: "every model request of the run, counted like the judge's",
  }),
]);
