// The HTTP reporter's spool at scale (issue 14): 10,000 script-only scenarios through the built
// `scenario` CLI with the collector down (connection refused). Prints the events emitted, spooled
// and lost (must be 0), how long the process lived after its last run ended, and its peak RSS.
// Needs the CLI built (`npm run build`). Nothing here asserts a time; the fault tests in
// apps/cli/test/faults/collector-*.test.ts check the invariants.
//
//   node spool.bench.mjs                  # 10,000 scenarios, BENCH_ROUNDS (default 3) runs
//   BENCH_QUICK=1 node spool.bench.mjs    # 1,000 scenarios
//   SPOOL_BENCH_BASELINE=1 node spool.bench.mjs   # without the HTTP reporter, for comparison
import { spawn } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const SCENARIOS = Number(process.env.BENCH_SCENARIOS ?? (process.env.BENCH_QUICK === "1" ? 1_000 : 10_000));
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
// SPOOL_BENCH_BASELINE=1 runs the same suite without the HTTP reporter, for comparison.
const BASELINE = Boolean(process.env.SPOOL_BENCH_BASELINE);
const BIN = fileURLToPath(new URL("../apps/cli/bin/scenario.js", import.meta.url));
const KIT = fileURLToPath(new URL("../packages/kit", import.meta.url));
const EVENTS_DIST = new URL("../packages/events/dist/index.js", import.meta.url);

if (
  !existsSync(fileURLToPath(new URL("../apps/cli/dist/cli.js", import.meta.url))) ||
  !existsSync(fileURLToPath(EVENTS_DIST))
) {
  console.error("apps/cli/dist/cli.js is missing: build first (npm run build).");
  process.exit(1);
}
const { scenarioEventId } = await import(EVENTS_DIST.href);

// A project in a temporary folder, with the kit linked in as an installed package.
const project = mkdtempSync(join(tmpdir(), "scenario-spool-bench-"));
mkdirSync(join(project, "node_modules", "@scenario"), { recursive: true });
symlinkSync(realpathSync(KIT), join(project, "node_modules", "@scenario", "kit"), "dir");
writeFileSync(join(project, "package.json"), JSON.stringify({ name: "spool-bench", type: "module" }));
writeFileSync(
  join(project, "scenario.config.ts"),
  `import { defineConfig } from "@scenario/kit";
export default defineConfig({ concurrency: 32, reporters: ${BASELINE ? '["jsonl"]' : '["jsonl", ["http", { spoolDir: "spool" }]]'} });
`,
);
mkdirSync(join(project, "scenarios"));
writeFileSync(
  join(project, "scenarios", "many.scenario.ts"),
  `import { AgentRole, agent, defineScenario, succeed, user } from "@scenario/kit";
const echo = { role: AgentRole.AGENT, call: (input) => "echo: " + String(input.messages.at(-1)?.content ?? "") };
export default Array.from({ length: ${SCENARIOS} }, (_, index) =>
  defineScenario({
    name: "scripted " + index,
    description: "A script-only run: no model.",
    agents: () => [echo],
    script: [user("hi " + index), agent(), succeed()],
  }),
);
`,
);

// A port nobody listens on: the collector is down.
const port = await new Promise((resolve) => {
  const server = createServer();
  server.listen(0, "127.0.0.1", () => {
    const { port: free } = server.address();
    server.close(() => resolve(free));
  });
});

/** One whole CLI run over the suite; prints its figures and returns them. */
async function runOnce() {
  const env = {
    ...process.env,
    CI: "1",
    NO_COLOR: "1",
    LANGWATCH_API_KEY: "bench-key",
    LANGWATCH_ENDPOINT: `http://127.0.0.1:${port}`,
  };
  delete env.NODE_OPTIONS;
  const startedAt = Date.now();
  const child = spawn(process.execPath, [BIN, "run", "-o", join(project, "reports")], {
    cwd: project,
    env,
    stdio: ["ignore", "ignore", "pipe"],
  });
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (chunk) => {
    stderr += chunk;
  });
  // VmHWM is the kernel's record of the process's peak resident set (Linux).
  let peakRssKb = 0;
  const sampler = setInterval(() => {
    try {
      const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, "utf8"));
      if (match) peakRssKb = Math.max(peakRssKb, Number(match[1]));
    } catch {
      // The process has just ended.
    }
  }, 50);
  const code = await new Promise((resolve) => child.on("close", (exitCode) => resolve(exitCode)));
  const exitedAt = Date.now();
  clearInterval(sampler);

  const lines = (path) =>
    readFileSync(path, "utf8")
      .split("\n")
      .filter((line) => line !== "")
      .map((line) => JSON.parse(line));
  const EVENT_TYPES = new Set(["SCENARIO_RUN_STARTED", "SCENARIO_MESSAGE_SNAPSHOT", "SCENARIO_RUN_FINISHED"]);
  const emitted = lines(join(project, "reports", "events.jsonl")).filter((event) =>
    EVENT_TYPES.has(event.type),
  );
  const spoolDir = join(project, "spool");
  const spooled = existsSync(spoolDir)
    ? readdirSync(spoolDir).flatMap((name) => lines(join(spoolDir, name)).slice(1))
    : [];
  const spooledIds = new Set(spooled.map((event) => event.eventId));
  const lost = emitted.filter((event) => !spooledIds.has(scenarioEventId(event))).length;
  const lastRunEnd = Math.max(
    ...emitted.filter((event) => event.type === "SCENARIO_RUN_FINISHED").map((event) => event.timestamp),
  );
  const finished = emitted.filter((event) => event.type === "SCENARIO_RUN_FINISHED").length;

  console.log(
    BASELINE
      ? `Baseline: ${SCENARIOS} scripted scenarios, JSONL reporter only (no HTTP reporter)\n`
      : `HTTP reporter spool: ${SCENARIOS} scripted scenarios, collector down (connection refused)\n`,
  );
  console.log(`exit code                 ${code}`);
  console.log(`runs finished             ${finished}`);
  console.log(`events emitted            ${emitted.length}`);
  if (!BASELINE) {
    console.log(`events spooled            ${spooled.length} (${spooledIds.size} distinct ids)`);
    console.log(`events lost               ${lost}`);
  }
  console.log(`exit delay after last run ${exitedAt - lastRunEnd} ms`);
  console.log(`whole run                 ${((exitedAt - startedAt) / 1000).toFixed(1)} s`);
  console.log(`peak RSS                  ${(peakRssKb / 1024).toFixed(0)} MB`);
  const spoolWarning = stderr.split("\n").find((line) => line.includes("could not be delivered"));
  if (spoolWarning) console.log(`\nthe CLI said: ${spoolWarning}`);
  return {
    code,
    lost,
    exitDelayMs: exitedAt - lastRunEnd,
    wholeRunSeconds: (exitedAt - startedAt) / 1000,
    peakRssMb: peakRssKb / 1024,
  };
}

const runs = [];
for (let round = 0; round < ROUNDS; round++) {
  if (round > 0) {
    rmSync(join(project, "reports"), { recursive: true, force: true });
    rmSync(join(project, "spool"), { recursive: true, force: true });
  }
  runs.push(await runOnce());
}
const label = BASELINE ? " (baseline: JSONL reporter only)" : " (collector down)";
const note = `${ROUNDS} run(s) of ${SCENARIOS} script-only scenarios through the built CLI; the reference has no HTTP reporter spool`;
reportBench(BASELINE ? "spool-baseline" : "spool", [
  ...(BASELINE
    ? []
    : [
        benchRow({
          id: "spool-events-lost",
          metric: `HTTP reporter spool, ${SCENARIOS} scenarios, collector down: events lost`,
          unit: "events",
          better: "lower",
          ours: summarize(runs.map((run) => run.lost)),
          reference: null,
          target: "0",
          note,
        }),
      ]),
  benchRow({
    id: "spool-exit-delay",
    metric: `exit delay after the last run, ${SCENARIOS} scenarios${label}`,
    unit: "ms",
    better: "lower",
    ours: summarize(runs.map((run) => run.exitDelayMs)),
    reference: null,
    note,
  }),
  benchRow({
    id: "spool-whole-run",
    metric: `whole CLI run, ${SCENARIOS} scenarios${label}`,
    unit: "s",
    better: "lower",
    ours: summarize(runs.map((run) => run.wholeRunSeconds)),
    reference: null,
    note,
  }),
  benchRow({
    id: "spool-peak-rss",
    metric: `peak RSS of the CLI, ${SCENARIOS} scenarios${label}`,
    unit: "MB",
    better: "lower",
    ours: summarize(runs.map((run) => run.peakRssMb)),
    reference: null,
    note,
  }),
]);
rmSync(project, { recursive: true, force: true });
if (runs.some((run) => (!BASELINE && run.lost > 0) || run.code !== 0)) process.exitCode = 1;
