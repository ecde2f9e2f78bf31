import { ConfigurationError } from "@scenario/spec";

/** The part of a discovered scenario that selection looks at. */
export interface SelectableScenario {
  /** The scenario file, relative to the project root with `/` separators. */
  file: string;
  /** The scenario's stable id. */
  id: string;
  /** Its name. */
  name: string;
  /** Its set. */
  setId: string;
}

/** Which part of a sharded suite to run: shard `index` (1-based) of `count`. */
export interface Shard {
  index: number;
  count: number;
}

/**
 * Parses `--shard i/n` (1 <= i <= n). Throws a `ConfigurationError` that shows the expected form.
 */
export function parseShard(text: string): Shard {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = match ? Number(match[1]) : Number.NaN;
  const count = match ? Number(match[2]) : Number.NaN;
  if (!match || count < 1 || index < 1 || index > count) {
    throw new ConfigurationError(
      `Invalid --shard "${text}". Use --shard <index>/<count> with 1 <= index <= count, for example --shard 2/4.`,
    );
  }
  return { index, count };
}

/**
 * Builds the `--grep` matcher: the pattern as a case-insensitive regular expression when it is
 * one, otherwise as a plain substring. It matches a scenario's name, id or set.
 */
export function createGrepMatcher(pattern: string): (scenario: SelectableScenario) => boolean {
  let test: (text: string) => boolean;
  try {
    const expression = new RegExp(pattern, "i");
    test = (text) => expression.test(text);
  } catch {
    const needle = pattern.toLowerCase();
    test = (text) => text.toLowerCase().includes(needle);
  }
  return (scenario) => test(scenario.name) || test(scenario.id) || test(scenario.setId);
}

function compareText(left: string, right: string): number {
  if (left < right) return -1;
  return left > right ? 1 : 0;
}

/**
 * Puts scenarios in the suite's canonical order: by file, then id (plain code-point order, so
 * every machine agrees whatever its locale).
 */
export function sortScenarios<T extends SelectableScenario>(scenarios: readonly T[]): T[] {
  return [...scenarios].sort(
    (left, right) => compareText(left.file, right.file) || compareText(left.id, right.id),
  );
}

/**
 * Keeps shard `index` of `count`: the canonical order dealt round-robin, so shards differ in size
 * by at most one and the union of all shards is the whole suite with no overlap.
 */
export function selectShard<T extends SelectableScenario>(scenarios: readonly T[], shard: Shard): T[] {
  return sortScenarios(scenarios).filter((_scenario, position) => position % shard.count === shard.index - 1);
}
