// How many voice scenarios can run at once in one process before the latencies they measure stop
// being true. N concurrent scenarios, each a caller (flite speech, sent at real time as a
// microphone would) talking to the OpenAI Realtime adapter for two turns, against the fake
// Realtime server in ANOTHER process (lib/voice-fake-server.mjs), so its work never competes with
// the scenarios' event loop.
//
// Definitions (every figure comes from what the run itself records):
// - first-audio error, per turn: the time to first audio the run measured
//   (`recording.latency.timeToFirstAudioMs`: end of the caller's audio to the agent's first audio)
//   minus the think time the fake was told to answer with (THINK_TIME_MS, counted by the fake from
//   `response.create`). It is never negative; loopback alone costs about 2 ms. A blocked event loop
//   (synthesis, resampling) shows up here: the first audio delta waits in the socket until the
//   loop gets to it.
// - user audio behind real time, per turn: the caller's audio is paced (`realtimeInput`), so
//   frame k should leave `audioMs(k)` after frame 0. Its lag is
//   (sent k - sent 0) - audioMs(before k), read at the transport's sendAudio(); "drift" is that lag
//   at the turn's last frame (how far behind real time the whole utterance finished), "max lag" the
//   largest over the turn (a catch-up shows as lag that returns to ~0 by the end).
// - largest N within target: the largest N of the ladder whose callers all finished with a median
//   error <= 5 ms and a p95 <= 20 ms in that round.
//
// "after" synthesizes flite speech in worker threads (the default); "mulaw" is the same with the
// caller's audio sent as 8 kHz mu-law (Twilio's format; the fake takes the bytes as they come), so
// each utterance is also resampled (in a worker, once per utterance and per distinct speech) and
// encoded; "before" is the old synthesis path, on the calling thread (`fliteSpeech({ worker: false })`),
// measured in the same run, alternating (after two misses in a row it is skipped, except at the
// headline N=20: each step costs seconds).
// The reference (@langwatch/scenario) has no voice support, so it has no column here.
//
//   node voice-concurrency.bench.mjs     (after a filtered build: --filter=@scenario/voice-openai-realtime...)
//   BENCH_ROUNDS=3 BENCH_QUICK=1 VOICE_BENCH_LADDER=1,8,20 VOICE_BENCH_VARIANTS=after
import { fork } from "node:child_process";
import { monitorEventLoopDelay, performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { ScenarioExecution } from "@scenario/core";
import { agent, succeed, user } from "@scenario/script";
import { fliteSpeech, VoiceTransportAgent } from "@scenario/voice";
import { OpenAIRealtimeTransport } from "@scenario/voice-openai-realtime";
import { benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const THINK_TIME_MS = 200;
const MEDIAN_TARGET_MS = 5;
const P95_TARGET_MS = 20;
const MULAW_8K = { encoding: "mulaw", sampleRateHz: 8000, channels: 1 };
// The caller's audio on the wire: PCM16 mono at 24 kHz, or mu-law at 8 kHz.
const bytesPerMs = (variant) => (variant === "mulaw" ? 8 : 48);
const quick = process.env.BENCH_QUICK === "1";
// One round of the whole ladder takes about 2.5 minutes here, and each step is already 2N samples.
const rounds = Number(process.env.BENCH_ROUNDS ?? 1);
const ladder = (process.env.VOICE_BENCH_LADDER ?? (quick ? "1,4" : "1,2,4,8,12,16,20,24"))
  .split(",")
  .map(Number);
// VOICE_BENCH_VARIANTS=after runs one side only (for a CPU profile of it).
const VARIANTS = (process.env.VOICE_BENCH_VARIANTS ?? "after,mulaw,before").split(",");

function percentile(values, fraction) {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.min(sorted.length - 1, Math.ceil(fraction * sorted.length) - 1)];
}

/** Starts the fake in a child process; resolves with its URL and a stop. */
async function startServerProcess() {
  const child = fork(
    fileURLToPath(new URL("./lib/voice-fake-server.mjs", import.meta.url)),
    [String(THINK_TIME_MS)],
    {
      stdio: ["ignore", "ignore", "inherit", "ipc"],
    },
  );
  const url = await new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error("the fake realtime server did not start in 30 s")),
      30_000,
    );
    child.once("error", reject);
    child.on("message", (message) => {
      if (message?.type !== "ready") return;
      clearTimeout(timer);
      resolve(message.url);
    });
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  return {
    url,
    async stop() {
      child.send("close");
      const timer = setTimeout(() => child.kill("SIGKILL"), 5000);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** One caller: flite speech at real time through the OpenAI Realtime transport, two turns. */
function callerScenario(url, index, variant, turns) {
  const transport = new OpenAIRealtimeTransport({ url, apiKey: "sk-bench-not-a-key" });
  // When each frame of the caller's audio left, per turn: [wall ms, bytes].
  let frames = [];
  const sendAudio = transport.sendAudio.bind(transport);
  transport.sendAudio = (data) => {
    frames.push([performance.now(), data.byteLength]);
    return sendAudio(data);
  };
  const endUserTurn = transport.endUserTurn.bind(transport);
  transport.endUserTurn = () => {
    if (frames.length > 0) turns.push(frames);
    frames = [];
    return endUserTurn();
  };
  // The Realtime API takes audio as fast as it is sent; a microphone cannot. Pacing it makes the
  // run send audio as a real caller would (and gives the pacer something to keep up with).
  transport.capabilities = {
    ...transport.capabilities,
    realtimeInput: true,
    ...(variant === "mulaw" && { inputAudioFormat: MULAW_8K }),
  };
  const speech = fliteSpeech(variant === "before" ? { worker: false } : {});
  const adapter = new VoiceTransportAgent(transport, { name: "realtime agent", speech });
  return new ScenarioExecution({
    name: `caller ${index}`,
    description: "A caller reports a lost card.",
    agents: [adapter],
    script: [
      user(`Hi, caller ${index} here, I lost my card.`),
      agent(),
      user(`Block card ${1000 + index}.`),
      agent(),
      succeed(),
    ],
  });
}

/** Runs N callers at once against a fresh fake; returns the run's error and drift samples. */
async function runLadderStep(count, variant) {
  const server = await startServerProcess();
  const turns = [];
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  try {
    const settled = await Promise.allSettled(
      Array.from({ length: count }, (_, index) =>
        callerScenario(server.url, index, variant, turns).execute(),
      ),
    );
    loopDelay.disable();
    const errors = [];
    const failures = [];
    for (const outcome of settled) {
      const result = outcome.status === "fulfilled" ? outcome.value : undefined;
      if (result?.status !== "SUCCESS") {
        // A caller that could not finish (a connect timed out on a blocked loop) is over target.
        failures.push(
          outcome.status === "rejected" ? outcome.reason.message : (result.reasoning ?? result.status),
        );
        continue;
      }
      for (const ms of result.artifacts.voice.latency.timeToFirstAudioMs) errors.push(ms - THINK_TIME_MS);
    }
    if (errors.length === 0) errors.push(Number.POSITIVE_INFINITY);
    const drifts = [];
    const lags = [];
    for (const frames of turns) {
      const [firstAtMs] = frames[0];
      let audioMs = 0;
      let maxLag = 0;
      let lag = 0;
      for (const [atMs, bytes] of frames) {
        lag = atMs - firstAtMs - audioMs;
        maxLag = Math.max(maxLag, lag);
        audioMs += bytes / bytesPerMs(variant);
      }
      drifts.push(Math.max(0, lag));
      lags.push(maxLag);
    }
    return {
      median: percentile(errors, 0.5),
      p95: percentile(errors, 0.95),
      drift: Math.max(0, ...drifts),
      maxLag: Math.max(0, ...lags),
      loopDelayMaxMs: loopDelay.max / 1e6,
      failures,
    };
  } finally {
    loopDelay.disable();
    await server.stop();
  }
}

const probeCount = ladder.includes(20) ? 20 : ladder.at(-1);
const perVariant = Object.fromEntries(
  VARIANTS.map((variant) => [variant, new Map(ladder.map((n) => [n, []]))]),
);
const largestWithinTarget = Object.fromEntries(VARIANTS.map((variant) => [variant, []]));

for (let round = 0; round < rounds; round++) {
  const passing = Object.fromEntries(VARIANTS.map((variant) => [variant, 0]));
  const missesInARow = Object.fromEntries(VARIANTS.map((variant) => [variant, 0]));
  for (const count of ladder) {
    // Which variant goes first alternates, so neither always runs on a warmer machine.
    const order = (round + ladder.indexOf(count)) % 2 === 0 ? VARIANTS : [...VARIANTS].reverse();
    for (const variant of order) {
      // After two misses in a row the old path only costs time (seconds of blocked loop per step):
      // it is measured again only at the headline N.
      if (variant === "before" && missesInARow.before >= 2 && count !== probeCount) continue;
      const step = await runLadderStep(count, variant);
      perVariant[variant].get(count).push(step);
      const within =
        step.failures.length === 0 && step.median <= MEDIAN_TARGET_MS && step.p95 <= P95_TARGET_MS;
      if (within) passing[variant] = count;
      missesInARow[variant] = within ? 0 : missesInARow[variant] + 1;
      console.log(
        `round ${round + 1} N=${String(count).padStart(2)} ${variant.padEnd(6)} first-audio error median ${step.median.toFixed(1)} ms, p95 ${step.p95.toFixed(1)} ms; ` +
          `user audio drift ${step.drift.toFixed(1)} ms (max lag ${step.maxLag.toFixed(1)} ms); event-loop delay max ${step.loopDelayMaxMs.toFixed(0)} ms` +
          (step.failures.length > 0 ? `; ${step.failures.length} caller(s) failed: ${step.failures[0]}` : ""),
      );
    }
  }
  for (const variant of VARIANTS) largestWithinTarget[variant].push(passing[variant]);
}

const at = (variant, key) => summarize(perVariant[variant].get(probeCount).map((step) => step[key]));
const NO_REFERENCE = "@langwatch/scenario has no voice support, so there is no reference column";
const rows = [];
for (const variant of VARIANTS) {
  const label = {
    after: "",
    mulaw: " [caller audio as 8 kHz mu-law: resampled and encoded too]",
    before: " [before: flite on the main thread]",
  }[variant];
  const suffix = variant === "after" ? "" : `-${variant}`;
  rows.push(
    benchRow({
      id: `voice-concurrency-within-target${suffix}`,
      metric: `largest N concurrent voice scenarios with first-audio error median <= 5 ms, p95 <= 20 ms${label}`,
      unit: "scenarios",
      better: "higher",
      ours: summarize(largestWithinTarget[variant]),
      reference: null,
      target: ">= 20",
      note: `ladder ${ladder.join(", ")}; ${NO_REFERENCE}`,
    }),
    benchRow({
      id: `voice-first-audio-error-median-n${probeCount}${suffix}`,
      metric: `first-audio error, median, N=${probeCount}${label}`,
      unit: "ms",
      better: "lower",
      ours: at(variant, "median"),
      reference: null,
      target: "<= 5",
      note: `measured time to first audio minus the fake's ${THINK_TIME_MS} ms think time; ${NO_REFERENCE}`,
    }),
    benchRow({
      id: `voice-first-audio-error-p95-n${probeCount}${suffix}`,
      metric: `first-audio error, p95, N=${probeCount}${label}`,
      unit: "ms",
      better: "lower",
      ours: at(variant, "p95"),
      reference: null,
      target: "<= 20",
      note: NO_REFERENCE,
    }),
    benchRow({
      id: `voice-user-audio-drift-n${probeCount}${suffix}`,
      metric: `user audio behind real time at the end of a turn, worst turn, N=${probeCount}${label}`,
      unit: "ms",
      better: "lower",
      ours: at(variant, "drift"),
      reference: null,
      target: "never behind real time (~0)",
      note: `when the paced frames left (sendAudio) vs their audio length; ${NO_REFERENCE}`,
    }),
  );
}
reportBench("voice-concurrency", rows);
