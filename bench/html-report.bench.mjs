// The HTML report at scale (issue 14, defect 6: one keystroke in the search box blocked the page
// 72–93 s at 10,000 runs). Renders the same runs with the report as it is and as it was
// (bench/baselines/render-html-report-before.ts), opens each in headless Chromium and prints how
// long the page took to load (until the run count shows) and to filter (a query typed in the search
// box, key by key, until the filtered list is drawn), and the longest the page froze meanwhile.
// Nothing here asserts a time; the test of this is packages/events/src/html-reporter.test.ts,
// which checks that the filter completes and the page answers.
//
//   node bench/html-report.bench.mjs                      # 3,000 and 10,000 runs, both versions
//   BENCH_HTML_SIZES=10000 BENCH_HTML_BASELINE=0 node bench/html-report.bench.mjs
//
// The old version can take minutes at 10,000 runs: each measurement gives up after
// BENCH_HTML_TIMEOUT_MS (default 180000) and prints "> limit". BENCH_QUICK=1 renders 1,000 runs
// only; each measurement is one sample (BENCH_ROUNDS does not repeat it: minutes per sample).
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const ROOT = fileURLToPath(new URL("../", import.meta.url));
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const DEFAULT_SIZES = process.env.BENCH_QUICK === "1" ? "1000" : "3000,10000";
const SIZES = (process.env.BENCH_HTML_SIZES ?? DEFAULT_SIZES).split(",").map(Number);
const WITH_BASELINE = process.env.BENCH_HTML_BASELINE !== "0";
const TIMEOUT_MS = Number(process.env.BENCH_HTML_TIMEOUT_MS ?? 180_000);

if (!existsSync(CHROMIUM)) {
  console.error(`${CHROMIUM} is missing: install Chromium (apt-get install chromium) or set CHROMIUM_PATH.`);
  process.exit(1);
}

// playwright-core and jiti are dependencies of the packages that use them (events' tests, the
// CLI), not of this bench package: they are resolved from there rather than added here.
const { chromium } = createRequire(join(ROOT, "packages/events/package.json"))("playwright-core");
const { createJiti } = createRequire(join(ROOT, "apps/cli/package.json"))("jiti");
const jiti = createJiti(import.meta.url);
const { renderHtmlReport } = await jiti.import(join(ROOT, "packages/events/src/render-html-report.ts"));
const { collectRuns } = await jiti.import(join(ROOT, "packages/events/src/collect-runs.ts"));
const { fakeRunEvents } = await jiti.import(join(ROOT, "packages/events/test/fixtures.ts"));
const before = WITH_BASELINE
  ? (await jiti.import(join(ROOT, "bench/baselines/render-html-report-before.ts"))).renderHtmlReport
  : undefined;

function makeRuns(count) {
  const events = [];
  for (let index = 0; index < count; index += 1) {
    events.push(
      ...fakeRunEvents({
        runId: `run-${index}`,
        name: `Scenario number ${index}`,
        setId: `set-${index % 7}`,
        status: index % 10 === 0 ? "FAILED" : "SUCCESS",
      }),
    );
  }
  return collectRuns(events);
}

async function withLimit(work) {
  let timer;
  const limit = new Promise((resolve) => {
    timer = setTimeout(() => resolve(undefined), TIMEOUT_MS);
  });
  try {
    return await Promise.race([work, limit]);
  } finally {
    clearTimeout(timer);
  }
}

/** How many of makeRuns(count)'s runs the search box should keep for `query` (111 of 10,000). */
function matching(count, query) {
  let matches = 0;
  for (let index = 0; index < count; index += 1) if (`Scenario number ${index}`.includes(query)) matches += 1;
  return matches;
}

async function measure(browser, path, count) {
  const page = await browser.newPage();
  try {
    const loadStart = performance.now();
    const loaded = await withLimit(
      (async () => {
        await page.goto(pathToFileURL(path).href, { timeout: TIMEOUT_MS });
        await page.waitForFunction(
          (expected) => document.getElementById("count")?.textContent === expected,
          `Showing ${count} of ${count} runs`,
          { timeout: TIMEOUT_MS },
        );
        return performance.now() - loadStart;
      })(),
    );
    if (loaded === undefined) return { loadMs: undefined, filterMs: undefined, longestGapMs: undefined };
    // "number 12" typed key by key, 50 ms apart (a quick typist), timed inside the page so the
    // browser driver's round trips on a busy machine do not count: from the first keystroke until
    // the filtered list is drawn (the typing itself takes 450 ms), and the longest the page went
    // without drawing a frame meanwhile (while it is stuck it cannot scroll or show a keystroke).
    const filtered = await withLimit(
      page.evaluate(
        async ({ query, matches }) => {
          const search = document.getElementById("search");
          const label = document.getElementById("count");
          const expected = label.textContent.replace(/^Showing \d+/, `Showing ${matches}`);
          let running = true;
          let lastFrame = performance.now();
          let longestGapMs = 0;
          const onFrame = () => {
            const now = performance.now();
            longestGapMs = Math.max(longestGapMs, now - lastFrame);
            lastFrame = now;
            if (running) requestAnimationFrame(onFrame);
          };
          requestAnimationFrame(onFrame);
          const start = performance.now();
          for (let length = 1; length <= query.length; length += 1) {
            search.value = query.slice(0, length);
            search.dispatchEvent(new Event("input", { bubbles: true }));
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          await new Promise((resolve) => {
            const check = () => (label.textContent === expected ? resolve() : setTimeout(check, 5));
            check();
          });
          await new Promise((resolve) => requestAnimationFrame(() => setTimeout(resolve, 0)));
          running = false;
          return { filterMs: performance.now() - start, longestGapMs };
        },
        { query: "number 12", matches: matching(count, "number 12") },
      ),
    );
    return { loadMs: loaded, filterMs: filtered?.filterMs, longestGapMs: filtered?.longestGapMs };
  } finally {
    await page.close().catch(() => {});
  }
}

const format = (ms) =>
  ms === undefined ? `> ${(TIMEOUT_MS / 1000).toFixed(0)} s` : `${(ms / 1000).toFixed(2)} s`;

const directory = mkdtempSync(join(tmpdir(), "scenario-html-bench-"));
const browser = await chromium.launch({
  executablePath: CHROMIUM,
  args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
});
try {
  const rows = [];
  for (const count of SIZES) {
    const runs = makeRuns(count);
    const versions = [["now", renderHtmlReport], ...(before ? [["before", before]] : [])];
    for (const [label, render] of versions) {
      const path = join(directory, `${label}-${count}.html`);
      const html = render(runs);
      writeFileSync(path, html);
      const result = await measure(browser, path, count);
      rows.push({ runs: count, version: label, megabytes: (html.length / 1e6).toFixed(1), ...result });
      console.log(
        `${String(count).padStart(6)} runs  ${label.padEnd(6)}  ${(html.length / 1e6).toFixed(1)} MB  ` +
          `load ${format(result.loadMs)}  typing "number 12" until drawn ${format(result.filterMs)}` +
          `  longest frame gap ${format(result.longestGapMs)}`,
      );
    }
  }
  for (const count of SIZES) {
    const now = rows.find((row) => row.runs === count && row.version === "now");
    const old = rows.find((row) => row.runs === count && row.version === "before");
    if (!now || !old || now.filterMs === undefined) continue;
    const ratio = (a, b) => (a === undefined || b === undefined ? "n/a" : `${(a / b).toFixed(1)}x`);
    console.log(
      `${String(count).padStart(6)} runs  load ${ratio(old.loadMs, now.loadMs)} faster, ` +
        `filter ${old.filterMs === undefined ? `more than ${(TIMEOUT_MS / now.filterMs).toFixed(0)}x` : ratio(old.filterMs, now.filterMs)} faster, ` +
        `longest frame gap ${ratio(old.longestGapMs, now.longestGapMs)} shorter`,
    );
  }
  const benchRows = [];
  const seconds = (ms) => (ms === undefined ? `> ${(TIMEOUT_MS / 1000).toFixed(0)}` : (ms / 1000).toFixed(2));
  for (const count of SIZES) {
    const now = rows.find((row) => row.runs === count && row.version === "now");
    const old = rows.find((row) => row.runs === count && row.version === "before");
    for (const [key, id, metric] of [
      ["loadMs", "load", "load until the run count shows"],
      ["filterMs", "filter", 'typing "number 12" until the filtered list is drawn'],
      ["longestGapMs", "frame-gap", "longest frame gap while filtering"],
    ]) {
      // A measurement that hit the limit is recorded as the limit, and the note says so.
      const value = now[key] ?? TIMEOUT_MS;
      benchRows.push(
        benchRow({
          id: `html-report-${id}-${count}`,
          metric: `HTML report, ${count} runs in headless Chromium: ${metric}`,
          unit: "s",
          better: "lower",
          ours: summarize([value / 1000]),
          reference: null,
          note:
            `one sample${now[key] === undefined ? " (hit the limit)" : ""}; the reference has no HTML report` +
            (old ? `; before issue 14: ${seconds(old[key])} s` : ""),
        }),
      );
    }
  }
  reportBench("html-report", benchRows);
} finally {
  await browser.close();
  rmSync(directory, { recursive: true, force: true });
}
