// Our side of the "-j 50" rows: a scenario project in a temporary folder under bench/ (so it
// resolves bench's node_modules) that the built `scenario` CLI runs with `--repeat N -j 50`. The
// scenario file measures from the first run's start to the process's exit (reports written)
// and writes the wall and CPU time to CPU_BENCH_OUT.
import { mkdtempSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const SCENARIO_FILE = `import { writeFileSync } from "node:fs";
import { performance } from "node:perf_hooks";
import { createOpenAI } from "@ai-sdk/openai";
import { defineScenario } from "@scenario/kit";
import { oursAgents } from "../lib/cpu-ours-scenario.mjs";
import { MODEL_IDS, SCENARIO } from "../lib/cpu-replies.mjs";

const openai = createOpenAI({ baseURL: process.env.CPU_BENCH_BASE_URL, apiKey: "bench-key" });
const models = { agent: openai.chat(MODEL_IDS.agent), user: openai.chat(MODEL_IDS.user), judge: openai.chat(MODEL_IDS.judge) };
let started;
process.on("exit", () => {
  const cpu = process.cpuUsage(started.cpu);
  const wallMs = performance.now() - started.wall;
  writeFileSync(process.env.CPU_BENCH_OUT, JSON.stringify({ wallMs, cpuMs: (cpu.user + cpu.system) / 1000 }));
});

export default defineScenario({
  name: "order status",
  description: SCENARIO.description,
  maxTurns: SCENARIO.turns,
  agents: () => {
    started ??= { cpu: process.cpuUsage(), wall: performance.now() };
    return oursAgents(models);
  },
});
`;

/**
 * Creates the project folder (under `benchDirectory`) and returns its path.
 * @param {string} benchDirectory
 */
export function createOursProject(benchDirectory) {
  const directory = mkdtempSync(join(benchDirectory, ".cpu-project-"));
  writeFileSync(join(directory, "bench.scenario.mjs"), SCENARIO_FILE);
  return directory;
}
