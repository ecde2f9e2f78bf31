// Per-call cost of each framework around the model, side by side in one run (issue 15, point 4):
// - ms per model call with instant in-process mocks (the AI SDK's MockLanguageModelV3), beside
//   generateText's own cost on the same mock (the floor);
// - 500 scenarios × 5 turns at 50 at once against a fake OpenAI server (another process) that
//   answers every call after 200 ms: wall time ÷ the latency bound, and CPU ms per model call.
// Ours runs through the built `scenario` CLI (`--repeat N -j 50`, default reporters); the
// reference through its own `scenario.run` in a promise pool of 50, under `node --import tsx`.
// Each side runs in a fresh process per round. Needs `npm run build` first.
import { fork, spawn } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { alternate, benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";
import { createOursProject } from "./lib/cpu-ours-project.mjs";
import { SCENARIO } from "./lib/cpu-replies.mjs";

const here = import.meta.dirname;
const quick = process.env.BENCH_QUICK === "1";
const rounds = Number(process.env.BENCH_ROUNDS ?? (quick ? 1 : 3));
// One 500-scenario round of the reference takes over a minute on a 2-core machine: by default the
// at-scale rows run one round each (BENCH_ROUNDS sets both).
const scaleRounds = Number(process.env.BENCH_ROUNDS ?? 1);
const instantRuns = quick ? 10 : 40;
const scenarios = quick ? 50 : 500;
const concurrency = 50;
const latencyMs = 200;
const callsPerTurn = 3;
const latencyBoundMs = SCENARIO.turns * callsPerTurn * latencyMs * Math.ceil(scenarios / concurrency);
const cliBin = join(
  dirname(createRequire(import.meta.url).resolve("@scenario/cli/package.json")),
  "bin",
  "scenario.js",
);

/** Runs a node child to its end; resolves with its stdout, rejects with its stderr on failure. */
function runNode(args, env = {}, cwd = here) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, ...env } });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => {
      stdout += chunk;
    });
    child.stderr.on("data", (chunk) => {
      stderr += chunk;
    });
    child.on("close", (code) =>
      code === 0
        ? resolve(stdout)
        : reject(new Error(`node ${args.join(" ")} exited ${code}:\n${stderr.slice(-2000)}`)),
    );
  });
}

const lastJsonLine = (text) => JSON.parse(text.trim().split("\n").at(-1));

// Row (a): instant mocks.
const instantEnv = { CPU_BENCH_RUNS: String(instantRuns) };
const floor = [];
const instant = await alternate(rounds, {
  ours: async () => {
    floor.push(lastJsonLine(await runNode(["lib/cpu-instant-child.mjs", "floor"], instantEnv)).msPerCall);
    return lastJsonLine(await runNode(["lib/cpu-instant-child.mjs", "ours"], instantEnv)).msPerCall;
  },
  reference: async () =>
    lastJsonLine(await runNode(["--import", "tsx", "lib/cpu-instant-child.mjs", "reference"], instantEnv))
      .msPerCall,
});
const floorSummary = summarize(floor);

// Rows (b) and (c): the fake server in its own process, both sides against it in turn.
const server = fork(join(here, "lib", "cpu-fake-server.mjs"), {
  env: { ...process.env, CPU_BENCH_LATENCY_MS: String(latencyMs) },
  stdio: ["ignore", "ignore", "inherit", "ipc"],
});
const serverReply = (message, key) =>
  new Promise((resolve) => {
    const listener = (reply) => {
      if (key in reply) {
        server.off("message", listener);
        resolve(reply);
      }
    };
    server.on("message", listener);
    if (message !== undefined) server.send(message);
  });
const { baseURL } = await serverReply(undefined, "baseURL");
const project = createOursProject(here);
const callsPerRun = { ours: [], reference: [] };
const cpuPerCall = { ours: [], reference: [] };

async function measure(side, run) {
  await serverReply("reset", "reset");
  const { wallMs, cpuMs } = await run();
  const { count } = await serverReply("count", "count");
  callsPerRun[side].push(count / scenarios);
  cpuPerCall[side].push(cpuMs / count);
  return wallMs / latencyBoundMs;
}

let atScale;
try {
  atScale = await alternate(scaleRounds, {
    ours: (round) =>
      measure("ours", async () => {
        const out = join(project, `cpu-${round}.json`);
        const args = [cliBin, "run", "--repeat", String(scenarios), "-j", String(concurrency)];
        await runNode(
          [...args, "-o", join(project, "reports")],
          { CPU_BENCH_BASE_URL: baseURL, CPU_BENCH_OUT: out },
          project,
        ).catch((error) => {
          // Exit code 1 is a failed run: the counts below say how many calls were made.
          if (!String(error.message).includes("exited 1")) throw error;
        });
        return JSON.parse(readFileSync(out, "utf8"));
      }),
    reference: () =>
      measure("reference", async () =>
        lastJsonLine(
          await runNode(["--import", "tsx", "lib/cpu-pool-reference.mjs"], {
            CPU_BENCH_BASE_URL: baseURL,
            CPU_BENCH_SCENARIOS: String(scenarios),
            CPU_BENCH_CONCURRENCY: String(concurrency),
          }),
        ),
      ),
  });
} finally {
  server.disconnect();
  rmSync(project, { recursive: true, force: true });
}

const perRun = (side) => summarize(callsPerRun[side]).median;
reportBench("cpu-per-call", [
  benchRow({
    id: "ms-per-model-call-instant",
    metric: "ms per model call, instant mocks (wall ÷ model calls)",
    unit: "ms",
    better: "lower",
    ours: instant.ours,
    reference: instant.reference,
    note:
      `${instantRuns} runs per round of a 5-turn scenario (user simulator, agent, judge; MockLanguageModelV3 in process). ` +
      `generateText alone on the same mock (the floor): ${floorSummary.min.toFixed(2)} / ${floorSummary.median.toFixed(2)} / ${floorSummary.max.toFixed(2)} ms per call.`,
  }),
  benchRow({
    id: "wall-over-latency-bound",
    metric: `${scenarios} × 5 turns at -j ${concurrency}, ${latencyMs} ms per call: wall ÷ latency bound`,
    unit: "×",
    better: "lower",
    ours: atScale.ours,
    reference: atScale.reference,
    note:
      `latency bound ${latencyBoundMs / 1000} s; fake server in another process; ours via the built CLI (default reporters), ` +
      `the reference in a promise pool of ${concurrency}; model calls per scenario: ours ${perRun("ours")}, reference ${perRun("reference")}.`,
  }),
  benchRow({
    id: "cpu-ms-per-call",
    metric: `CPU ms per model call (${scenarios} × 5 turns at -j ${concurrency})`,
    unit: "ms",
    better: "lower",
    ours: summarize(cpuPerCall.ours),
    reference: summarize(cpuPerCall.reference),
    note: "process.cpuUsage() (user + system) from the first run's start to the end (ours: process exit, reports written) ÷ calls the server served.",
  }),
]);
