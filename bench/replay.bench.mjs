// Record and replay at scale: N scenarios (5 turns: user simulator, agent and judge each turn,
// every call through the fake OpenAI server with 200 ms of latency) run live, recording, then
// replayed from their cassettes. Each side runs in a fresh child process (as a CI job would), the
// fake server in this one, so replay reads from disk, not from the live run's memory, and the
// request counts are the server's own. Rounds alternate live and replay.
//
// BENCH_ROUNDS (default 3), BENCH_QUICK=1 (50 scenarios instead of 500), REPLAY_CONCURRENCY (50).
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { alternate, benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const LATENCY_MS = 200;
const TURNS = 5;
const CRITERIA = ["The agent answers the question"];

if (process.argv[2] === "--child") {
  await runChild(JSON.parse(process.argv[3]));
} else {
  await main();
}

async function main() {
  const { startFakeOpenAIServer, scenarioBehaviour, judgeBehaviour, userSimulatorPersona } = await import(
    "@scenario/testing"
  );
  const quick = process.env.BENCH_QUICK === "1";
  const rounds = Number(process.env.BENCH_ROUNDS ?? 3);
  const count = quick ? 50 : 500;
  const concurrency = Number(process.env.REPLAY_CONCURRENCY ?? 50);
  const server = await startFakeOpenAIServer({
    latencyMs: LATENCY_MS,
    reply: scenarioBehaviour({
      agent: (request) => `Answer ${request.messages.filter((message) => message.role === "user").length}.`,
      userSimulator: userSimulatorPersona((conversation) => `Question ${conversation.length + 1}?`),
      // Continue until the last turn forces a verdict, so every turn has its judge call.
      judge: judgeBehaviour({ decide: ({ forced }) => (forced ? {} : "continue") }),
    }),
  });
  const cacheDir = mkdtempSync(join(tmpdir(), "scenario-replay-bench-"));
  const child = (mode) => {
    const before = server.requests.length;
    return runChildProcess({ mode, cacheDir, count, concurrency, baseURL: server.baseURL }).then(
      (report) => ({
        ...report,
        requests: server.requests.length - before,
      }),
    );
  };
  try {
    console.log(
      `replay: ${count} scenarios × ${TURNS} turns at -j ${concurrency}, ${LATENCY_MS} ms per call`,
    );
    // The first live run records every cassette; replay needs them before its first round.
    const first = await child("live");
    // The same recordings in the one-file-per-call layout, for the cache as it was before cassettes.
    writeBeforeLayout(cacheDir);
    const live = [first];
    const replay = [];
    const before = [];
    const sides = await alternate(rounds, {
      ours: async (round) => {
        const order = round % 2 === 0 ? ["replay", "before"] : ["before", "replay"];
        for (const mode of order) (mode === "replay" ? replay : before).push(await child(mode));
        return replay.at(-1).wallMs;
      },
      reference: async (round) => {
        const report = round === 0 ? first : await child("live");
        if (round !== 0) live.push(report);
        return report.wallMs;
      },
    });
    const failures = [...live, ...replay, ...before].reduce((sum, report) => sum + report.failures, 0);
    if (failures > 0) throw new Error(`${failures} scenario runs failed; the figures would mean nothing`);
    const files = readdirSync(cacheDir);
    // Scenario 0 runs alone first, then the suite (1…count), then scenario count + 1 alone.
    const callsPerScenario = first.requests / (count + 2);
    const suiteCalls = callsPerScenario * count;
    const note = "the reference column is the live run of the same scenarios (no @langwatch/scenario replay)";
    reportBench("replay", [
      benchRow({
        id: "replay-suite-wall",
        metric: `replay of ${count} recorded scenarios vs their live run (wall)`,
        unit: "ms",
        better: "lower",
        ours: sides.ours,
        reference: sides.reference,
        target: "≥ 20× faster than live",
        note: `${note}; ${callsPerScenario} calls per scenario; inside a fresh process, after its imports`,
      }),
      benchRow({
        id: "replay-one-scenario-wall",
        metric:
          "one scenario alone, after the suite (warm process, its cassette not read yet): replay vs live (wall)",
        unit: "ms",
        better: "lower",
        ours: summarize(replay.map((report) => report.warmScenarioMs)),
        reference: summarize(live.map((report) => report.warmScenarioMs)),
        target: "≥ 20× faster than live",
        note,
      }),
      benchRow({
        id: "replay-cold-scenario-wall",
        metric:
          "one scenario alone, first in a cold process (JIT and lazy loading included): replay vs live (wall)",
        unit: "ms",
        better: "lower",
        ours: summarize(replay.map((report) => report.oneScenarioMs)),
        reference: summarize(live.map((report) => report.oneScenarioMs)),
        target: "≥ 20× faster than live",
        note,
      }),
      benchRow({
        id: "replay-cpu-per-call",
        metric: "CPU per replayed model call (whole run, AI SDK in the loop)",
        unit: "ms",
        better: "lower",
        ours: summarize(replay.map((report) => report.cpuMs / suiteCalls)),
        reference: summarize(live.map((report) => report.cpuMs / suiteCalls)),
        note: `${note}: CPU per live call, fetch to the fake server included`,
      }),
      benchRow({
        id: "replay-vs-before-wall",
        metric: `replay of the same ${count} scenarios: cassettes vs one file per call (the cache before)`,
        unit: "ms",
        better: "lower",
        ours: sides.ours,
        reference: summarize(before.map((report) => report.wallMs)),
        note: "the reference column is the old replay path (bench/baselines/replay-before.mjs) on the same recordings, same run, alternating",
      }),
      benchRow({
        id: "replay-requests",
        metric: "model requests during replay",
        unit: "requests",
        better: "lower",
        ours: summarize([...replay, ...before].map((report) => report.requests)),
        reference: null,
        target: "0",
        note: `the live run made ${first.requests}`,
      }),
      benchRow({
        id: "replay-files",
        metric: "recording files on disk",
        unit: "files",
        better: "lower",
        ours: summarize([files.length]),
        reference: null,
        target: "one per scenario",
        note: `the one-file-per-call layout holds ${countBeforeFiles(cacheDir)} for the same run (one per call)`,
      }),
    ]);
  } finally {
    await server.close();
    rmSync(cacheDir, { recursive: true, force: true });
    rmSync(`${cacheDir}-before`, { recursive: true, force: true });
  }
}

// Each cassette line becomes `<stem>/<key>.json`: the keys are the old layout's file names.
function writeBeforeLayout(cacheDir) {
  for (const file of readdirSync(cacheDir)) {
    const folder = join(`${cacheDir}-before`, file.replace(/\.jsonl$/, ""));
    mkdirSync(folder, { recursive: true });
    for (const line of readFileSync(join(cacheDir, file), "utf8").split("\n")) {
      if (line === "") continue;
      const { key, ...entry } = JSON.parse(line);
      writeFileSync(join(folder, `${key}.json`), `${JSON.stringify(entry, null, 2)}\n`);
    }
  }
}

function countBeforeFiles(cacheDir) {
  const root = `${cacheDir}-before`;
  return readdirSync(root).reduce((sum, folder) => sum + readdirSync(join(root, folder)).length, 0);
}

function runChildProcess(options) {
  return new Promise((resolve, reject) => {
    const script = fileURLToPath(import.meta.url);
    const child = spawn(process.execPath, [script, "--child", JSON.stringify(options)], {
      stdio: ["ignore", "pipe", "inherit"],
    });
    let output = "";
    child.stdout.on("data", (chunk) => {
      output += chunk;
    });
    child.on("error", reject);
    child.on("close", (code) => {
      const line = output.trim().split("\n").at(-1) ?? "";
      if (code !== 0 || !line.startsWith("{"))
        reject(new Error(`${options.mode} child exited ${code}: ${output}`));
      else resolve(JSON.parse(line));
    });
  });
}

// One side, in a process of its own: imports, one scenario alone, the suite, one more alone.
async function runChild({ mode, cacheDir, count, concurrency, baseURL }) {
  const { default: scenario, AgentRole } = await import("@scenario/kit");
  const { configureScenarioLLM, responseMessagesOf, withScenarioCache } = await import("@scenario/llm");
  const { createOpenAI } = await import("@ai-sdk/openai");
  const { generateText } = await import("ai");
  const { wrapLanguageModel } = await import("ai");
  const { replayBeforeMiddleware } = await import("./baselines/replay-before.mjs");
  // The live side re-records (record mode); replay is strict, as in CI: a miss fails the run.
  configureScenarioLLM({ cacheDir, cacheMode: mode === "live" ? "record" : "replay" });
  const openai = createOpenAI({ baseURL, apiKey: "sk-bench" });
  // "before" replays the same recordings through the old path: the scenario has no cacheKey (so
  // the built-in cache is off) and each participant's model is wrapped with the old middleware.
  const modelFor = (id, cacheKey) =>
    mode === "before"
      ? wrapLanguageModel({
          model: openai.chat(id),
          middleware: replayBeforeMiddleware({ cacheKey, dir: `${cacheDir}-before` }),
        })
      : openai.chat(id);

  const runOne = async (index) => {
    const cacheKey = `bench scenario ${index}`;
    const agentModel =
      mode === "before"
        ? modelFor("gpt-agent", cacheKey)
        : withScenarioCache(openai.chat("gpt-agent"), { cacheKey });
    const result = await scenario.run({
      name: cacheKey,
      description: `A customer asks question after question (${index}).`,
      ...(mode === "before" ? {} : { cacheKey }),
      maxTurns: TURNS,
      agents: [
        {
          role: AgentRole.AGENT,
          name: "BenchAgent",
          async call(input) {
            const response = await generateText({
              model: agentModel,
              messages: input.messages,
              maxRetries: 0,
            });
            return responseMessagesOf(response);
          },
        },
        scenario.userSimulatorAgent({ model: modelFor("gpt-user", cacheKey) }),
        scenario.judgeAgent({ criteria: CRITERIA, model: modelFor("gpt-judge", cacheKey) }),
      ],
    });
    return result.success ? 0 : 1;
  };

  let started = performance.now();
  let failures = await runOne(0);
  const oneScenarioMs = performance.now() - started;

  const cpuBefore = process.cpuUsage();
  started = performance.now();
  // Scenario 0 ran alone above; the suite is scenarios 1…count, none of them in memory yet.
  let next = 1;
  const worker = async () => {
    while (next <= count) failures += await runOne(next++);
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  const wallMs = performance.now() - started;
  const cpu = process.cpuUsage(cpuBefore);

  // The same scenario as a suite's later scenarios see it: code warm, its cassette not yet read.
  started = performance.now();
  failures += await runOne(count + 1);
  const warmScenarioMs = performance.now() - started;
  const cpuMs = (cpu.user + cpu.system) / 1000;
  console.log(JSON.stringify({ wallMs, oneScenarioMs, warmScenarioMs, cpuMs, failures }));
}
