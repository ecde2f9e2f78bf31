// `npm run bench`: runs every bench script (bench/*.bench.mjs) one after another, each in its own
// process, then prints one table of all their rows and writes bench/results.json. Each script
// writes its rows as JSON into a temporary directory (SCENARIO_BENCH_JSON, see lib/bench-stats.mjs);
// a script that fails is reported and the others still run, and the runner then exits non-zero.
//
//   node run-all.mjs                         # every script, default rounds
//   node run-all.mjs --only executor,replay  # just these (names without .bench.mjs)
//   node run-all.mjs --skip footprint,html-report,spool
//   node run-all.mjs --quick --rounds 3      # same as BENCH_QUICK=1 BENCH_ROUNDS=3
//   node run-all.mjs --markdown              # no run: results.json as a markdown table (for READMEs)
//
// With --only or --skip, results.json keeps the previous entries of the scripts that did not run
// (each entry has its own `at`), so a long suite can be refreshed in parts.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { formatFigure } from "./lib/bench-stats.mjs";

const BENCH_DIR = fileURLToPath(new URL(".", import.meta.url));
/** Scripts that need the network, a browser or minutes of their own: run last. */
const HEAVY = ["spool", "footprint", "html-report"];
const SUFFIX = ".bench.mjs";

const { values: options } = parseArgs({
  options: {
    only: { type: "string" },
    skip: { type: "string" },
    quick: { type: "boolean", default: false },
    rounds: { type: "string" },
    out: { type: "string", default: join(BENCH_DIR, "results.json") },
    "timeout-minutes": { type: "string", default: "20" },
    markdown: { type: "boolean", default: false },
  },
});
const list = (value) => (value ? value.split(",").map((name) => name.trim().replace(SUFFIX, "")) : []);
const only = list(options.only);
const skip = list(options.skip);
if (options.quick) process.env.BENCH_QUICK = "1";
if (options.rounds) process.env.BENCH_ROUNDS = options.rounds;
const timeoutMs = Number(options["timeout-minutes"]) * 60_000;

if (options.markdown) {
  printMarkdown(JSON.parse(readFileSync(options.out, "utf8")));
  process.exit(0);
}

const available = readdirSync(BENCH_DIR)
  .filter((file) => file.endsWith(SUFFIX))
  .map((file) => file.slice(0, -SUFFIX.length))
  .sort(runOrder);
const unknown = [...only, ...skip].filter((name) => !available.includes(name));
if (unknown.length > 0) {
  console.error(`No bench script named ${unknown.join(", ")}. Scripts here: ${available.join(", ")}.`);
  process.exit(2);
}
const selected = available.filter(
  (name) => (only.length === 0 || only.includes(name)) && !skip.includes(name),
);

const jsonDir = mkdtempSync(join(tmpdir(), "scenario-bench-"));
let running;
process.on("SIGINT", () => {
  if (running) killGroup(running);
  rmSync(jsonDir, { recursive: true, force: true });
  process.exit(130);
});

/** The order scripts run and are listed in: alphabetical, the heavy ones last. */
function runOrder(left, right) {
  return HEAVY.indexOf(left) - HEAVY.indexOf(right) || left.localeCompare(right);
}

/** The scripts of a results file in run order (a merge appends the new ones at the end). */
function sortedScripts(scripts) {
  return Object.fromEntries(Object.entries(scripts).sort(([left], [right]) => runOrder(left, right)));
}

/** Ends a script and whatever it spawned (it runs in its own process group). */
function killGroup(child) {
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // Already gone.
  }
}

/** Runs one script with its output on our terminal; resolves with its exit code and duration. */
function runScript(name) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [`${name}${SUFFIX}`], {
      cwd: BENCH_DIR,
      env: { ...process.env, SCENARIO_BENCH_JSON: jsonDir },
      stdio: "inherit",
      detached: true,
    });
    running = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child);
    }, timeoutMs);
    const done = (exitCode, error) => {
      clearTimeout(timer);
      running = undefined;
      resolve({ exitCode, timedOut, error, seconds: (performance.now() - started) / 1000 });
    };
    child.on("error", (error) => done(null, error));
    child.on("close", (code, signal) => done(code ?? signal));
  });
}

/**
 * Whether a row met its target, judged on the medians: a row may say so itself (`met: boolean`);
 * otherwise the runner reads the usual forms of `target`: "ratio ≥ 4x" or "≥ 20× faster" (the
 * ratio), "≤ 0.25× the reference" (ours ÷ reference), "<= 5", ">= 20", or a bare number (ours'
 * median against it, in the row's better direction). Anything else is left for a reader ("?").
 */
function metTarget(row) {
  if (typeof row.met === "boolean") return row.met;
  const target = row.target;
  if (!target) return undefined;
  const ours = row.ours?.median;
  const ratioClause = /ratio\s*(≥|>=)\s*([\d.]+)/.exec(target);
  if (ratioClause) return row.ratio === null ? undefined : row.ratio >= Number(ratioClause[2]);
  const times = /(≥|>=|≤|<=)\s*([\d.]+)\s*[×x]/.exec(target);
  if (times) {
    const bound = Number(times[2]);
    if (times[1] === "≥" || times[1] === ">=") return row.ratio === null ? undefined : row.ratio >= bound;
    if (!row.reference || row.reference.median === 0) return undefined;
    return ours / row.reference.median <= bound;
  }
  const plain = /^\s*(≥|>=|≤|<=)?\s*([\d.]+)\s*([a-zA-Z% ]*)$/.exec(target);
  if (plain) {
    const bound = Number(plain[2]);
    const direction = plain[1] ?? (row.better === "higher" ? ">=" : "<=");
    return direction === "≥" || direction === ">=" ? ours >= bound : ours <= bound;
  }
  return undefined;
}

function side(summary) {
  return summary
    ? `${formatFigure(summary.median)} [${formatFigure(summary.min)}–${formatFigure(summary.max)}]`
    : "—";
}
const truncate = (text, width) => (text.length <= width ? text : `${text.slice(0, width - 1)}…`);

function printTable(results) {
  const header = [
    "metric",
    "unit",
    "ours median [min–max]",
    "reference median [min–max]",
    "ratio",
    "target",
    "met?",
  ];
  const lines = [];
  for (const [name, result] of Object.entries(results)) {
    lines.push({ group: `${name}${result.ok ? "" : `  (FAILED: ${result.failure})`}` });
    for (const row of result.rows) {
      const met = metTarget(row);
      lines.push({
        cells: [
          truncate(row.metric, 72),
          row.unit,
          side(row.ours),
          side(row.reference),
          row.ratio === null || row.ratio === undefined ? "—" : `${formatFigure(row.ratio)}x`,
          truncate(row.target ?? "", 28),
          met === undefined ? (row.target ? "?" : "") : met ? "yes" : "NO",
        ],
      });
    }
  }
  const widths = header.map((title, column) =>
    Math.max(title.length, ...lines.filter((line) => line.cells).map((line) => line.cells[column].length)),
  );
  const format = (cells) => cells.map((cell, column) => cell.padEnd(widths[column])).join("  ");
  console.log(`\n${format(header)}`);
  console.log(widths.map((width) => "─".repeat(width)).join("  "));
  for (const line of lines) console.log(line.cells ? format(line.cells) : `\n${line.group}`);
  console.log(
    "\nmedian [min–max] over the rounds; ratio = how many times better ours is (from the medians); " +
      "met? judged on the medians",
  );
}

/** results.json as a markdown table, so the READMEs quote the file and nothing else. */
function printMarkdown(report) {
  const { machine } = report;
  console.log(
    `Written ${report.at.slice(0, 16).replace("T", " ")} UTC (each script's own time is beside its name), node ${report.node}, ${machine.cpus} × ${machine.model}, ${machine.memoryGb} GB` +
      `${report.quick ? ", BENCH_QUICK=1" : ""}; rounds: ${report.rounds}.\n`,
  );
  console.log(
    "| metric | unit | ours median [min–max] | reference median [min–max] | ratio | target | met? |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  const cell = (text) => String(text).replaceAll("|", "\\|");
  for (const [name, result] of Object.entries(sortedScripts(report.scripts))) {
    const flags = [
      `${result.at.slice(0, 16).replace("T", " ")} UTC`,
      result.quick ? "BENCH_QUICK" : "",
      result.ok ? "" : `FAILED: ${result.failure}`,
    ].filter(Boolean);
    console.log(`| **${name}**${flags.length > 0 ? ` (${flags.join("; ")})` : ""} | | | | | | |`);
    for (const row of result.rows) {
      const met = metTarget(row);
      const ratio = row.ratio === null || row.ratio === undefined ? "—" : `${formatFigure(row.ratio)}x`;
      const verdict = met === undefined ? (row.target ? "?" : "") : met ? "yes" : "no";
      console.log(
        `| ${[row.metric, row.unit, side(row.ours), side(row.reference), ratio, row.target ?? "", verdict].map(cell).join(" | ")} |`,
      );
    }
  }
}

const results = {};
try {
  for (const name of selected) {
    console.log(`\n━━ ${name}${SUFFIX} ━━`);
    const outcome = await runScript(name);
    const file = join(jsonDir, `${name}.json`);
    const payload = existsSync(file) ? JSON.parse(readFileSync(file, "utf8")) : undefined;
    let failure;
    if (outcome.error) failure = `could not start: ${outcome.error.message}`;
    else if (outcome.timedOut) failure = `stopped after ${options["timeout-minutes"]} minutes`;
    else if (outcome.exitCode !== 0) failure = `exit ${outcome.exitCode}`;
    else if (!payload) failure = "wrote no rows (it must end with reportBench)";
    results[name] = {
      ok: failure === undefined,
      ...(failure ? { failure } : {}),
      at: payload?.at ?? new Date().toISOString(),
      seconds: Number(outcome.seconds.toFixed(1)),
      quick: process.env.BENCH_QUICK === "1",
      rounds: process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : "default",
      // The verdict on each target goes into the file too (null: not a number the runner can check).
      rows: (payload?.rows ?? []).map((row) =>
        row.target && typeof row.met !== "boolean" ? { ...row, met: metTarget(row) ?? null } : row,
      ),
    };
    console.log(`━━ ${name}: ${failure ?? "ok"} (${outcome.seconds.toFixed(0)} s)`);
    // A script that lingers after its rows are written usually leaves a handle open (a server, a
    // timer, a library's exporter): its time is still spent, so say so.
    const lingeredSeconds = payload ? (Date.now() - Date.parse(payload.at)) / 1000 : 0;
    if (lingeredSeconds > 30) {
      console.log(
        `   ${name} exited ${lingeredSeconds.toFixed(0)} s after it wrote its rows (an open handle?)`,
      );
    }
  }
} finally {
  rmSync(jsonDir, { recursive: true, force: true });
}

printTable(results);

const partial = only.length > 0 || skip.length > 0;
const previous =
  partial && existsSync(options.out) ? JSON.parse(readFileSync(options.out, "utf8")) : undefined;
const processor = cpus();
const report = {
  at: new Date().toISOString(),
  node: process.version,
  machine: {
    cpus: processor.length,
    model: processor[0]?.model ?? "unknown",
    memoryGb: Number((totalmem() / 1024 ** 3).toFixed(1)),
  },
  rounds: process.env.BENCH_ROUNDS ? Number(process.env.BENCH_ROUNDS) : "each script's default",
  quick: process.env.BENCH_QUICK === "1",
  ...(partial
    ? {
        partial: {
          ran: selected,
          kept: Object.keys(previous?.scripts ?? {}).filter((name) => !selected.includes(name)),
        },
      }
    : {}),
  scripts: sortedScripts({ ...(previous?.scripts ?? {}), ...results }),
};
writeFileSync(options.out, `${JSON.stringify(report, null, 2)}\n`);
// The file is committed: formatted the way the repository's linter wants it, when it is installed.
const biome = fileURLToPath(new URL("../node_modules/.bin/biome", import.meta.url));
if (existsSync(biome)) spawnSync(biome, ["format", "--write", options.out], { stdio: "ignore" });
console.log(`wrote ${options.out}`);

const failed = Object.entries(results).filter(([, result]) => !result.ok);
if (failed.length > 0) {
  console.error(`\n${failed.length} bench script(s) failed: ${failed.map(([name]) => name).join(", ")}`);
  process.exitCode = 1;
}
