import { join } from "node:path";
import {
  type FakeFaultFunction,
  type FakeModelRequest,
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { type CliResult, readEvents, runCli, temporaryDirectory } from "../cli-harness";

/** The fixture project: a "steady" and a "fragile" scenario, both driven by the fake model. */
export const PROVIDER_FAULTS = join(import.meta.dirname, "fixtures", "provider-faults");

/** True for the requests of the fixture's fragile scenario (its description is in every prompt). */
export function isFragile(request: FakeModelRequest): boolean {
  return JSON.stringify(request.messages).includes("[fragile]");
}

/** A fake model server whose judge passes the agent once it replied, with `fault` choosing faults. */
export function startFaultyModel(fault?: FakeFaultFunction): Promise<FakeOpenAIServer> {
  return startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(() => "hello, can you help me?"),
      judge: judgeBehaviour(),
    }),
    ...(fault ? { fault } : {}),
  });
}

/** What one CLI run against the fixture left: its exit, and each scenario's status and error. */
export interface FaultRun {
  result: CliResult;
  runs: Record<string, { status: string; error?: string }>;
}

/** Runs `scenario run` on the fixture against `server`, and reads the finished runs back. */
export async function runFixture(
  server: FakeOpenAIServer,
  options: { args?: string[]; env?: Record<string, string> } = {},
): Promise<FaultRun> {
  const output = temporaryDirectory("scenario-provider-faults-");
  try {
    const result = await runCli(["run", "-o", output.path, "--reporter", "jsonl", ...(options.args ?? [])], {
      cwd: PROVIDER_FAULTS,
      env: { OPENAI_API_KEY: "sk-fault-suite-key", OPENAI_BASE_URL: server.baseURL, ...options.env },
      timeoutMs: 90_000,
    });
    const runs: FaultRun["runs"] = {};
    for (const event of readEvents(join(output.path, "events.jsonl"))) {
      if (event.type !== "SCENARIO_RUN_FINISHED") continue;
      const { name, status, results } = event as unknown as {
        name: string;
        status: string;
        results: { error?: string };
      };
      runs[name] = { status, ...(results.error !== undefined ? { error: results.error } : {}) };
    }
    return { result, runs };
  } finally {
    output.remove();
  }
}
