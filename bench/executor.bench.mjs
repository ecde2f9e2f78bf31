// Executor-only overhead, side by side: the same scripted scenario (8 user/agent turns and a judge,
// no LLM: a scripted user, an echo agent, a judge that passes) through @scenario/core and through
// the reference executor, in one process. What differs is each framework's own turn machine, state
// and events. One run at a time, and 50 runs at once.
//
// Measured in many short alternating rounds (ours, reference, reference, ours…) after a warm-up,
// each round a fixed number of runs, so a burst of load on a shared machine lands on both sides
// alike; the table gives min / median / max of the per-round figure and the ratio of the medians,
// and the note the median of the per-round ratios (each round's pair measured back to back). The
// old vitest bench timed each side in one block of a few seconds, which let load land on one side
// only (its two published runs disagreed: 6.4x/11.7x and 14.0x/9.9x).
//
//   node executor.bench.mjs               # BENCH_ROUNDS (default 25) rounds
//   BENCH_QUICK=1 node executor.bench.mjs # 5 rounds of fewer runs, a smoke run
//
// The reference loads only through a TypeScript-aware resolver (its ESM imports extensionless
// paths), so it is imported with tsx's scoped tsImport; ours loads as plain built JavaScript.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { alternate, benchRow, formatFigure, reportBench, summarize } from "./lib/bench-stats.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 5 : 25));
const TURNS = 8;
/** Sequential runs per round (one run at a time). */
const SINGLE_RUNS = QUICK ? 20 : 40;
/** Batches of 50 concurrent runs per round. */
const BATCHES = QUICK ? 1 : 2;
const CONCURRENCY = 50;

if (!existsSync(fileURLToPath(new URL("../packages/core/dist/index.js", import.meta.url)))) {
  console.error("packages/core/dist is missing: build first (npm run build).");
  process.exit(1);
}

const { tsImport } = await import("tsx/esm/api");
const referenceModule = await tsImport("@langwatch/scenario", import.meta.url);
const reference = referenceModule.default;
const ReferenceRole = referenceModule.AgentRole;
const { run } = await import("@scenario/core");
const { agent, judge, user } = await import("@scenario/script");
const { AgentRole } = await import("@scenario/spec");

function participants(roles) {
  const echo = {
    role: roles.agent,
    name: "EchoAgent",
    call: async (input) => `echo: ${String(input.messages.at(-1)?.content)}`,
  };
  let line = 0;
  const simulatedUser = { role: roles.user, name: "ScriptedUser", call: async () => `line ${line++}` };
  const passingJudge = {
    role: roles.judge,
    name: "PassingJudge",
    call: async (input) =>
      input.judgmentRequest
        ? {
            success: true,
            reasoning: "ok",
            metCriteria: ["echoes"],
            unmetCriteria: [],
            messages: input.messages,
          }
        : null,
  };
  return [echo, simulatedUser, passingJudge];
}

function script(dsl) {
  const steps = [];
  for (let turn = 0; turn < TURNS; turn++) steps.push(dsl.user(), dsl.agent());
  steps.push(dsl.judge());
  return steps;
}

const sides = {
  ours: () =>
    run({
      name: "bench",
      description: "a scripted echo conversation",
      agents: participants({ user: AgentRole.USER, agent: AgentRole.AGENT, judge: AgentRole.JUDGE }),
      script: script({ user, agent, judge }),
      maxTurns: TURNS + 2,
    }),
  reference: () =>
    reference.run({
      name: "bench",
      description: "a scripted echo conversation",
      agents: participants({
        user: ReferenceRole.USER,
        agent: ReferenceRole.AGENT,
        judge: ReferenceRole.JUDGE,
      }),
      script: script({ user: reference.user, agent: reference.agent, judge: reference.judge }),
      maxTurns: TURNS + 2,
    }),
};

async function passing(result) {
  const { success } = await result;
  if (!success) throw new Error("the benchmark scenario must pass on both sides");
}

/** Milliseconds per run, `runs` runs one after another. */
async function sequential(start, runs) {
  const began = performance.now();
  for (let index = 0; index < runs; index++) await passing(start());
  return (performance.now() - began) / runs;
}

/** Milliseconds per run, `batches` batches of CONCURRENCY runs started together. */
async function concurrent(start, batches) {
  const began = performance.now();
  for (let batch = 0; batch < batches; batch++) {
    await Promise.all(Array.from({ length: CONCURRENCY }, () => passing(start())));
  }
  return (performance.now() - began) / (batches * CONCURRENCY);
}

// Warm-up: both sides' code paths compiled and their lazy imports loaded before anything counts.
for (const start of [sides.ours, sides.reference]) {
  await sequential(start, SINGLE_RUNS);
  await concurrent(start, 1);
}

/**
 * alternate() over `measure`, also keeping each round's pair in order (alternate's summaries are
 * sorted), for the per-round ratios.
 */
async function paired(measure) {
  const rounds = { ours: [], reference: [] };
  const summary = await alternate(ROUNDS, {
    ours: async () => {
      const value = await measure(sides.ours);
      rounds.ours.push(value);
      return value;
    },
    reference: async () => {
      const value = await measure(sides.reference);
      rounds.reference.push(value);
      return value;
    },
  });
  const ratios = summarize(rounds.ours.map((ours, round) => rounds.reference[round] / ours));
  const ratioNote = `per-round ratios: median ${formatFigure(ratios.median)}x (${formatFigure(ratios.min)}–${formatFigure(ratios.max)})`;
  return { summary, ratioNote };
}

const single = await paired((start) => sequential(start, SINGLE_RUNS));
const many = await paired((start) => concurrent(start, BATCHES));

const note = `${ROUNDS} alternating rounds; executor only (scripted participants, no AI SDK, no model calls)`;
reportBench("executor", [
  benchRow({
    id: "executor-single",
    metric: `one scripted run at a time (${TURNS} turns + judge), executor only`,
    unit: "ms per run",
    better: "lower",
    ...single.summary,
    note: `${note}; ${SINGLE_RUNS} runs per round; ${single.ratioNote}`,
  }),
  benchRow({
    id: "executor-concurrent",
    metric: `${CONCURRENCY} concurrent scripted runs (${TURNS} turns + judge), executor only`,
    unit: "ms per run",
    better: "lower",
    ...many.summary,
    note: `${note}; ${BATCHES} batches of ${CONCURRENCY} per round; ${many.ratioNote}`,
  }),
]);
// The reference leaves handles open after its runs (its event and tracing machinery), which would
// keep this process alive for minutes after the table is printed.
process.exit(process.exitCode ?? 0);
