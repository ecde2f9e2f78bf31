import type { ScenarioRunFinishedEvent, SuiteSummary } from "@scenario/spec";
import type picocolors from "picocolors";
import type { CliIO } from "./cli-io";
import type { DiscoveredScenario } from "./load-scenarios";

/**
 * With `--repeat k`: how many repeats of each scenario passed, which are flaky (as the suite
 * summary says, so this agrees with every reporter) and pass^k, the share of scenarios that passed
 * every one of their k runs.
 */
export function printRepeatSummary(
  scenarios: readonly DiscoveredScenario[],
  summary: SuiteSummary,
  repeat: number,
  io: CliIO,
  colors: ReturnType<typeof picocolors.createColors>,
): void {
  const runsByScenario = new Map<string, ScenarioRunFinishedEvent[]>();
  for (const run of summary.runs) {
    const runs = runsByScenario.get(run.scenarioId) ?? [];
    runs.push(run);
    runsByScenario.set(run.scenarioId, runs);
  }
  const flaky = new Set(summary.flaky);
  io.stdout.write(`\n${colors.bold(`Repeats (${repeat} per scenario)`)}\n`);
  let allPassed = 0;
  let reported = 0;
  for (const { id, name } of scenarios) {
    const runs = runsByScenario.get(id);
    if (runs === undefined) continue;
    reported += 1;
    const passed = runs.filter((run) => run.status === "SUCCESS").length;
    const everyPassed = runs.length === repeat && passed === runs.length;
    if (everyPassed) allPassed += 1;
    const isFlaky = flaky.has(id);
    const mark = everyPassed ? colors.green("✓") : isFlaky ? colors.yellow("~") : colors.red("✗");
    const label = isFlaky ? ` ${colors.yellow("FLAKY")}` : "";
    io.stdout.write(`  ${mark} ${name} ${colors.dim(`(${id})`)}: ${passed}/${runs.length} passed${label}\n`);
  }
  io.stdout.write(`pass^${repeat}: ${allPassed}/${reported} scenarios passed all ${repeat} runs\n`);
}
