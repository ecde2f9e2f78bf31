// The one contract every bench script follows, so `npm run bench` can print one table and write
// one JSON file: samples are summarised as min/median/max, ours and the reference are measured in
// the same run (alternating, several rounds), and each script writes its rows where
// SCENARIO_BENCH_JSON points (a directory; one file per script) when the runner asks for it.
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/**
 * min, median and max of a list of numbers (the samples are kept, sorted).
 * @param {number[]} samples
 */
export function summarize(samples) {
  if (samples.length === 0) throw new Error("summarize() needs at least one sample");
  const sorted = [...samples].sort((left, right) => left - right);
  const middle = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
  return { min: sorted[0], median, max: sorted.at(-1), samples: sorted };
}

/**
 * Runs `ours` and `reference` alternately for `rounds` rounds (which goes first alternates too, so
 * neither always runs on a warmer or a busier machine) and returns both sample lists.
 * Each function returns the number it measured (or a promise of it).
 * @param {number} rounds
 * @param {{ ours: (round: number) => number | Promise<number>, reference: (round: number) => number | Promise<number> }} sides
 */
export async function alternate(rounds, sides) {
  const ours = [];
  const reference = [];
  for (let round = 0; round < rounds; round++) {
    if (round % 2 === 0) {
      ours.push(await sides.ours(round));
      reference.push(await sides.reference(round));
    } else {
      reference.push(await sides.reference(round));
      ours.push(await sides.ours(round));
    }
  }
  return { ours: summarize(ours), reference: summarize(reference) };
}

/**
 * How many times better ours is than the reference, from the medians: for a "lower is better"
 * metric reference ÷ ours, for "higher is better" ours ÷ reference. Above 1 means ours is better.
 * @param {{ median: number }} ours
 * @param {{ median: number } | null | undefined} reference
 * @param {"lower" | "higher"} better
 */
export function ratioOf(ours, reference, better) {
  if (!reference || reference.median === 0 || ours.median === 0) return null;
  return better === "lower" ? reference.median / ours.median : ours.median / reference.median;
}

/**
 * One row of the bench table.
 * @typedef {{
 *   id: string,
 *   metric: string,
 *   unit: string,
 *   better: "lower" | "higher",
 *   ours: { min: number, median: number, max: number, samples: number[] },
 *   reference: { min: number, median: number, max: number, samples: number[] } | null,
 *   ratio: number | null,
 *   target?: string,
 *   note?: string,
 * }} BenchRow
 */

/**
 * Builds a row, computing its ratio. `reference` is null when the row has no baseline run in the
 * same process (say so in `note`).
 * @param {Omit<BenchRow, "ratio">} row
 * @returns {BenchRow}
 */
export function benchRow(row) {
  return { ...row, ratio: ratioOf(row.ours, row.reference, row.better) };
}

/** A number for a table cell: 3 significant digits, no exponent. */
export function formatFigure(value) {
  if (value === null || value === undefined || Number.isNaN(value)) return "—";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  return Number(value.toPrecision(3)).toString();
}

/**
 * Prints rows as a table (min/median/max for each side, then the ratio) and, when the
 * SCENARIO_BENCH_JSON environment variable names a directory, writes `<name>.json` there with
 * `{ name, at, node, rows }`. Every bench script ends with this.
 * @param {string} name the script's name, e.g. "judge-tokens"
 * @param {BenchRow[]} rows
 */
export function reportBench(name, rows) {
  for (const row of rows) {
    const side = (summary) =>
      summary
        ? `${formatFigure(summary.min)} / ${formatFigure(summary.median)} / ${formatFigure(summary.max)}`
        : "—";
    const ratio = row.ratio === null ? "" : `   ${formatFigure(row.ratio)}x better`;
    console.log(`${row.metric} (${row.unit}, min / median / max, ${row.better} is better)`);
    console.log(`  ours       ${side(row.ours)}`);
    console.log(`  reference  ${side(row.reference)}${ratio}`);
    if (row.target) console.log(`  target     ${row.target}`);
    if (row.note) console.log(`  note       ${row.note}`);
  }
  const directory = process.env.SCENARIO_BENCH_JSON;
  if (directory) {
    mkdirSync(directory, { recursive: true });
    const payload = { name, at: new Date().toISOString(), node: process.version, rows };
    writeFileSync(join(directory, `${name}.json`), `${JSON.stringify(payload, null, 2)}\n`);
  }
}
