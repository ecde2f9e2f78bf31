// Start-up of the `scenario` command (friction 8: `--help` took 0.7–1.5 s). Spawns each command
// several times and prints the minimum and median wall time next to two baselines: plain `node`
// (the floor no CLI can beat) and the eager path, loading up front what the commands need (the
// executor, reporters, zod, the AI SDK, jiti), as the CLI did before it loaded commands lazily.
// Needs the CLI built (`npm run build`). Nothing here asserts anything; the test of this is
// apps/cli/test/cli-startup.test.ts, which checks which modules load, not how long they take.
// The reference has no command-line runner, so these rows have no reference column. The cases run
// in rounds (each case once per round, the order rotating), so a burst of load hits them all alike.
//
//   node cli-startup.bench.mjs                 # BENCH_ROUNDS (default 9) rounds
//   BENCH_QUICK=1 node cli-startup.bench.mjs   # 3 rounds
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const CLI_DIR = fileURLToPath(new URL("../apps/cli/", import.meta.url));
const BIN = fileURLToPath(new URL("../apps/cli/bin/scenario.js", import.meta.url));
const RUNS = Number(
  process.env.BENCH_ROUNDS ?? process.env.BENCH_RUNS ?? (process.env.BENCH_QUICK === "1" ? 3 : 9),
);

if (!existsSync(fileURLToPath(new URL("../apps/cli/dist/cli.js", import.meta.url)))) {
  console.error("apps/cli/dist/cli.js is missing: build first (npm run build).");
  process.exit(1);
}

const EAGER_IMPORTS = ["@scenario/kit", "@scenario/events", "@scenario/llm", "jiti", "zod", "ai"];
const cases = [
  ["node (empty script)", ["-e", ""]],
  ["scenario --help", [BIN, "--help"]],
  ["scenario --version", [BIN, "--version"]],
  [
    "eager: the commands' dependencies",
    [
      "--input-type=module",
      "-e",
      `await Promise.all(${JSON.stringify(EAGER_IMPORTS)}.map((name) => import(name)));`,
    ],
  ],
];

function timeOnce(args) {
  const started = process.hrtime.bigint();
  const child = spawnSync(process.execPath, args, { cwd: CLI_DIR, stdio: "ignore" });
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  if (child.status !== 0) throw new Error(`${args.join(" ")} exited ${child.status}`);
  return elapsedMs;
}

for (const [, args] of cases) timeOnce(args); // warm the file cache
const samples = cases.map(() => []);
for (let round = 0; round < RUNS; round++) {
  for (let offset = 0; offset < cases.length; offset++) {
    const index = (round + offset) % cases.length;
    samples[index].push(timeOnce(cases[index][1]));
  }
}
const rows = cases.map(([label], index) => {
  const { min, median, max } = summarize(samples[index]);
  return { label, min, median, max };
});
const floor = rows[0].median;
console.log(`CLI start-up, ${RUNS} runs each (wall time; only the ratios travel between machines)\n`);
for (const { label, min, median } of rows) {
  const overNode = (median - floor).toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(36)} min ${min.toFixed(0).padStart(5)} ms   median ${median.toFixed(0).padStart(5)} ms   +${overNode} ms over node`,
  );
}
console.log("");

const ids = ["cli-startup-node", "cli-startup-help", "cli-startup-version", "cli-startup-eager"];
reportBench(
  "cli-startup",
  cases.map(([label], index) =>
    benchRow({
      id: ids[index],
      metric: index === 0 ? "process start-up floor: node (empty script)" : `CLI start-up: ${label}`,
      unit: "ms",
      better: "lower",
      ours: summarize(samples[index]),
      reference: null,
      note:
        index === 0
          ? `${RUNS} rounds; the floor no CLI can beat`
          : `${RUNS} rounds; the reference has no CLI; empty node's median here is ${floor.toFixed(0)} ms`,
    }),
  ),
);
