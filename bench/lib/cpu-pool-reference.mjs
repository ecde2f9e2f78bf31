// The reference's side of the "-j 50" rows (run under `node --import tsx`): CPU_BENCH_SCENARIOS
// runs of the bench scenario with at most 50 at once (a promise pool, as its docs suggest for
// concurrency), against the fake server at CPU_BENCH_BASE_URL. Prints the wall and CPU time
// from the first run's start to the last run's end as one JSON line.
import { performance } from "node:perf_hooks";
import { createOpenAI } from "@ai-sdk/openai";
import { runReference } from "./cpu-reference-scenario.mjs";
import { MODEL_IDS } from "./cpu-replies.mjs";

const openai = createOpenAI({ baseURL: process.env.CPU_BENCH_BASE_URL, apiKey: "bench-key" });
const models = {
  agent: openai.chat(MODEL_IDS.agent),
  user: openai.chat(MODEL_IDS.user),
  judge: openai.chat(MODEL_IDS.judge),
};
const scenarios = Number(process.env.CPU_BENCH_SCENARIOS ?? 500);
const concurrency = Number(process.env.CPU_BENCH_CONCURRENCY ?? 50);

let next = 0;
let failed = 0;
const worker = async () => {
  while (next < scenarios) {
    next++;
    await runReference(models).catch(() => failed++);
  }
};
const cpuBefore = process.cpuUsage();
const start = performance.now();
await Promise.all(Array.from({ length: concurrency }, worker));
const wallMs = performance.now() - start;
const cpu = process.cpuUsage(cpuBefore);
// The reference leaves timers behind that keep its process alive for minutes after the runs.
process.stdout.write(`\n${JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000, failed })}\n`, () =>
  process.exit(0),
);
