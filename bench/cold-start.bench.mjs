// Cold start of a whole process, side by side: a fresh `node` that imports the library, runs one
// small scripted scenario (3 user/agent turns and a judge, no model) and exits. Ours is
// `@scenario/kit` in plain node; the reference is `@langwatch/scenario` under `node --import tsx`,
// the only way it loads outside vite (its ESM imports extensionless paths). Both run the same
// source through the same upstream-compatible default export (`scenario.run`, `scenario.user()`…).
// Wall time from spawn to exit, and the child's peak resident set (process.resourceUsage().maxRSS).
//
//   node cold-start.bench.mjs                 # BENCH_ROUNDS (default 5) alternating rounds
//   BENCH_QUICK=1 node cold-start.bench.mjs   # 2 rounds
import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { alternate, benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const QUICK = process.env.BENCH_QUICK === "1";
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? (QUICK ? 2 : 5));
const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));

if (!existsSync(fileURLToPath(new URL("../packages/kit/dist/index.js", import.meta.url)))) {
  console.error("packages/kit/dist is missing: build first (npm run build).");
  process.exit(1);
}

/**
 * The child's whole program: import, run, report its own peak RSS on stdout. `exit` is appended
 * for the reference only: it leaves handles open after a run and would otherwise live for minutes;
 * ours must exit by itself, so its teardown is part of its figure.
 */
function program(specifier, exit) {
  return `
import scenario, { AgentRole } from ${JSON.stringify(specifier)};
let line = 0;
const result = await scenario.run({
  name: "cold start",
  description: "a scripted echo conversation",
  agents: [
    { role: AgentRole.AGENT, call: async (input) => "echo: " + String(input.messages.at(-1)?.content) },
    { role: AgentRole.USER, call: async () => "line " + line++ },
    {
      role: AgentRole.JUDGE,
      call: async (input) =>
        input.judgmentRequest
          ? { success: true, reasoning: "ok", metCriteria: ["echoes"], unmetCriteria: [], messages: input.messages }
          : null,
    },
  ],
  script: [scenario.user(), scenario.agent(), scenario.user(), scenario.agent(), scenario.user(), scenario.agent(), scenario.judge()],
  maxTurns: 5,
});
if (!result.success) throw new Error("the cold-start scenario must pass");
process.stdout.write("\\nmaxRSS " + process.resourceUsage().maxRSS + "\\n");
${exit ? "process.exit(0);" : ""}
`;
}

/** Spawns one child, returns its wall time (ms) and peak RSS (MB). */
function coldStart(nodeArgs, source) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeArgs, "--input-type=module", "-e", source], {
      cwd: BENCH_DIR,
      env: { ...process.env, NODE_OPTIONS: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let output = "";
    child.stdout.setEncoding("utf8").on("data", (chunk) => {
      output += chunk;
    });
    child.stderr.setEncoding("utf8").on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const wallMs = performance.now() - started;
      const match = /maxRSS (\d+)/.exec(output);
      if (code !== 0 || !match) {
        reject(new Error(`cold-start child exited ${code}:\n${output.slice(-2000)}`));
        return;
      }
      resolve({ wallMs, rssMb: Number(match[1]) / 1024 });
    });
  });
}

const sides = {
  ours: () => coldStart([], program("@scenario/kit", false)),
  reference: () => coldStart(["--import", "tsx"], program("@langwatch/scenario", true)),
};
const floors = {
  node: () => coldStart([], "process.stdout.write('maxRSS ' + process.resourceUsage().maxRSS);"),
  tsx: () =>
    coldStart(["--import", "tsx"], "process.stdout.write('maxRSS ' + process.resourceUsage().maxRSS);"),
};

// Warm the file cache once per side, so round 1 is not the only one reading from disk.
await sides.ours();
await sides.reference();

const rss = { ours: [], reference: [] };
const wall = await alternate(ROUNDS, {
  ours: async () => {
    const { wallMs, rssMb } = await sides.ours();
    rss.ours.push(rssMb);
    return wallMs;
  },
  reference: async () => {
    const { wallMs, rssMb } = await sides.reference();
    rss.reference.push(rssMb);
    return wallMs;
  },
});
const floor = await alternate(ROUNDS, {
  ours: async () => (await floors.node()).wallMs,
  reference: async () => (await floors.tsx()).wallMs,
});
const floorNote =
  `an empty \`node\` takes ${floor.ours.median.toFixed(0)} ms here and an empty \`node --import tsx\` ` +
  `${floor.reference.median.toFixed(0)} ms (medians), the floors under each side`;

reportBench("cold-start", [
  benchRow({
    id: "cold-start-wall",
    metric: "cold start, whole process: import, one scripted run, exit (ours plain node, reference tsx)",
    unit: "ms",
    better: "lower",
    ...wall,
    note: `${ROUNDS} alternating rounds; ${floorNote}`,
  }),
  benchRow({
    id: "cold-start-rss",
    metric: "cold start, whole process: peak RSS",
    unit: "MB",
    better: "lower",
    ours: summarize(rss.ours),
    reference: summarize(rss.reference),
    note: `${ROUNDS} alternating rounds; the child's process.resourceUsage().maxRSS`,
  }),
]);
