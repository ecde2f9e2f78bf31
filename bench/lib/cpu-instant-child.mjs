// One side of the "ms per model call, instant mocks" row, in its own process: warms up, then runs
// the scenario RUNS times against the in-process mock and prints one JSON line with the wall time
// per model call, and generateText's own cost per call on the same mock (the floor).
// Usage: node cpu-instant-child.mjs ours|floor   node --import tsx cpu-instant-child.mjs reference
import { performance } from "node:perf_hooks";
import { generateText } from "ai";
import { calls, instantModel } from "./cpu-instant-model.mjs";
import { MODEL_IDS } from "./cpu-replies.mjs";

const side = process.argv[2];
const runs = Number(process.env.CPU_BENCH_RUNS ?? 40);
const models = {
  agent: instantModel(MODEL_IDS.agent),
  user: instantModel(MODEL_IDS.user),
  judge: instantModel(MODEL_IDS.judge),
};

async function runner() {
  if (side === "ours") return (await import("./cpu-ours-scenario.mjs")).runOurs;
  if (side === "reference") return (await import("./cpu-reference-scenario.mjs")).runReference;
  // The floor: generateText alone, 15 calls per "run" like a scenario's.
  return async () => {
    for (let call = 0; call < 15; call++) {
      await generateText({ model: models.agent, messages: [{ role: "user", content: "hello" }] });
    }
  };
}

const runOnce = await runner();
for (let warmUp = 0; warmUp < Math.max(3, runs / 4); warmUp++) await runOnce(models);
calls.count = 0;
const start = performance.now();
for (let run = 0; run < runs; run++) await runOnce(models);
const wallMs = performance.now() - start;
// The reference leaves timers behind that keep its process alive for minutes after the runs.
process.stdout.write(
  `${JSON.stringify({ side, runs, calls: calls.count, msPerCall: wallMs / calls.count })}\n`,
  () => process.exit(0),
);
