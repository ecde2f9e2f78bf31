import {
  type AgentAdapter,
  AgentCallError,
  AgentRole,
  type ScenarioConfig,
  type ScenarioExecutionLike,
  type ScenarioResult,
  type ScriptStep,
} from "@scenario/spec";
import { AdapterConformanceError } from "./adapter-conformance-error";
import type {
  AdapterConformanceCheck,
  AdapterConformanceOptions,
  AdapterFactory,
} from "./adapter-conformance-options";

function describeOutcome(outcome: unknown): string {
  if (outcome instanceof Error) return `${outcome.name}: ${outcome.message}`;
  const result = outcome as ScenarioResult;
  return `status ${result.status} and error ${JSON.stringify(result.error)}`;
}

/** The keys to serialise of an error (its own, non-enumerable ones included), or all of a result. */
function errorKeys(value: unknown): string[] | undefined {
  return value instanceof Error ? ["name", "message", "stack", "cause", ...Object.keys(value)] : undefined;
}

/** How often the executor called each lifecycle hook of a wrapped adapter. */
interface HookCounts {
  connect: number;
  disconnect: number;
  calls: number;
}

/**
 * Wraps an adapter so the executor's calls of its hooks are counted, delegating each to the
 * adapter itself (never copying methods off it, which would lose `this` and private fields).
 */
function countingAdapter(adapter: AgentAdapter): { adapter: AgentAdapter; counts: HookCounts } {
  const counts: HookCounts = { connect: 0, disconnect: 0, calls: 0 };
  const wrapped: AgentAdapter = {
    ...(adapter.specificationVersion ? { specificationVersion: adapter.specificationVersion } : {}),
    role: adapter.role,
    ...(adapter.name !== undefined ? { name: adapter.name } : {}),
    call: (input) => {
      counts.calls++;
      return adapter.call(input);
    },
    connect: async (context) => {
      counts.connect++;
      await adapter.connect?.(context);
    },
    disconnect: async () => {
      counts.disconnect++;
      await adapter.disconnect?.();
    },
    ...(adapter.interrupt ? { interrupt: () => adapter.interrupt?.() } : {}),
  };
  return { adapter: wrapped, counts };
}

/** The script of a one-turn scenario in which the adapter of `role` takes its turn. */
function oneTurnScript(role: AgentRole): ScriptStep[] {
  const turn = (execution: ScenarioExecutionLike): Promise<unknown> => {
    if (role === AgentRole.USER) return execution.user();
    if (role === AgentRole.JUDGE) return execution.judge();
    return execution.agent();
  };
  return [
    (_state, execution) =>
      role === AgentRole.USER ? execution.agent("How can I help?") : execution.user("Hello, who are you?"),
    async (_state, execution) => {
      await turn(execution);
    },
    (_state, execution) => execution.succeed("The adapter took its turn."),
  ];
}

async function runOneTurn(
  run: NonNullable<AdapterConformanceOptions["run"]>,
  adapter: AgentAdapter,
  role: AgentRole,
): Promise<ScenarioResult> {
  const config: ScenarioConfig = {
    name: `conformance of ${adapter.name ?? "adapter"}`,
    description: "A one-turn conversation run by the adapter conformance suite.",
    agents: [adapter],
    script: oneTurnScript(role),
    maxTurns: 2,
  };
  return run(config);
}

function expectOnce(name: string, counts: HookCounts, when: string): void {
  if (counts.connect !== 1 || counts.disconnect !== 1) {
    throw new AdapterConformanceError(
      `[${name}] ${when}, the executor called connect() ${counts.connect} and disconnect() ` +
        `${counts.disconnect} time(s); each must run exactly once.`,
    );
  }
}

/**
 * The checks that run a one-turn scenario through the executor given as `options.run`; skipped,
 * saying why, without it.
 */
export function executorChecks(
  createAdapter: AdapterFactory,
  options: AdapterConformanceOptions,
  role: AgentRole,
  noFailing: string,
): AdapterConformanceCheck[] {
  const noRun = "no `run` given: pass `run` from @scenario/core to run a scenario through the executor";
  const run = options.run;
  return [
    {
      name: "runs a one-turn scenario through the executor",
      ...(run ? {} : { skip: noRun }),
      run: async () => {
        if (!run) return;
        const { adapter, counts } = countingAdapter(await createAdapter());
        const name = adapter.name ?? "adapter";
        const result = await runOneTurn(run, adapter, role);
        if (result.status !== "SUCCESS") {
          throw new AdapterConformanceError(
            `[${name}] the one-turn scenario ended ${result.status}: ${result.error ?? result.reasoning ?? ""}`,
          );
        }
        if (counts.calls !== 1) {
          throw new AdapterConformanceError(`[${name}] was called ${counts.calls} times for one turn.`);
        }
        expectOnce(name, counts, "in a successful run");
        const byRole = result.usage.byRole[role];
        if (options.reportsUsage && !(byRole && byRole.totalTokens > 0)) {
          throw new AdapterConformanceError(
            `[${name}] declares usage, but result.usage.byRole.${role} is ${JSON.stringify(byRole)}.`,
          );
        }
      },
    },
    {
      name: "ends a scenario whose call fails with ERROR, naming the adapter, and still disconnects",
      ...(!run ? { skip: noRun } : options.failing ? {} : { skip: noFailing }),
      run: async () => {
        if (!run || !options.failing) return;
        const { adapter, counts } = countingAdapter(await options.failing());
        const name = adapter.name ?? "adapter";
        // run() rejects with the AgentCallError; a runner that reports instead resolves with ERROR.
        const outcome = await runOneTurn(run, adapter, role).then(
          (result) => ({ result, text: result.status === "ERROR" ? (result.error ?? "") : undefined }),
          (error: unknown) => ({
            result: error,
            text: AgentCallError.isInstance(error) && error.agentName === name ? error.message : undefined,
          }),
        );
        if (outcome.text === undefined || !outcome.text.includes(`[${name}]`)) {
          throw new AdapterConformanceError(
            `[${name}] a failing call should end the run with an AgentCallError naming "[${name}]"; ` +
              `the run ended with ${describeOutcome(outcome.result)}.`,
          );
        }
        expectOnce(name, counts, "in a run whose call failed");
        const leaked = (options.secrets ?? []).some(
          (secret) =>
            secret.length > 0 && JSON.stringify(outcome.result, errorKeys(outcome.result)).includes(secret),
        );
        if (leaked) throw new AdapterConformanceError(`[${name}] a secret shows in the failed run's result.`);
      },
    },
  ];
}
