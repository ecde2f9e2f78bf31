// Start-up of the `scenario` command (friction 8: `--help` took 0.7–1.5 s). Spawns each command
// several times and prints the minimum and median wall time next to two baselines: plain `node`
// (the floor no CLI can beat) and the eager path, loading up front what the commands need (the
// executor, reporters, zod, the AI SDK, jiti), as the CLI did before it loaded commands lazily.
// Needs the CLI built (`npm run build`). Nothing here asserts anything; the test of this is
// apps/cli/test/cli-startup.test.ts, which checks which modules load, not how long they take.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const CLI_DIR = fileURLToPath(new URL("../apps/cli/", import.meta.url));
const BIN = fileURLToPath(new URL("../apps/cli/bin/scenario.js", import.meta.url));
const RUNS = Number(process.env.BENCH_RUNS ?? 9);

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

const rows = [];
for (const [label, args] of cases) {
  timeOnce(args); // warm the file cache
  const times = Array.from({ length: RUNS }, () => timeOnce(args)).sort((left, right) => left - right);
  rows.push({ label, min: times[0], median: times[Math.floor(times.length / 2)] });
}
const floor = rows[0].median;
console.log(`CLI start-up, ${RUNS} runs each (wall time; only the ratios travel between machines)\n`);
for (const { label, min, median } of rows) {
  const overNode = (median - floor).toFixed(0).padStart(5);
  console.log(
    `${label.padEnd(36)} min ${min.toFixed(0).padStart(5)} ms   median ${median.toFixed(0).padStart(5)} ms   +${overNode} ms over node`,
  );
}
