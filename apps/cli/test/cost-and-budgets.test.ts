import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, FIXTURES, readEvents, runCli, temporaryDirectory } from "./cli-harness";

const costFixture = join(FIXTURES, "cost");

// Each test spawns the CLI: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

let server: FakeOpenAIServer;
beforeEach(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(() => "hello, can you help me?"),
      judge: judgeBehaviour(),
    }),
  });
});
afterEach(async () => {
  await server.close();
});

const modelEnv = () => ({ OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: server.baseURL });

type FinishedRun = {
  status: string;
  name: string;
  results: { error?: string };
  usage: { costUsd?: number; totalTokens: number; byRole: Record<string, { costUsd?: number }> };
};

function finished(outputDir: string): FinishedRun[] {
  return readEvents(join(outputDir, "events.jsonl")).filter(
    (event) => event.type === "SCENARIO_RUN_FINISHED",
  ) as never;
}

describe("scenario run: cost and budgets", () => {
  it("prints the cost per role and in total, and writes it to the events and the JUnit report", async () => {
    const output = temporaryDirectory("scenario-cost-");
    try {
      const result = await runCli(["run", "suite.scenario.ts", "--grep", "customer one", "-o", output.path], {
        cwd: costFixture,
        env: modelEnv(),
      });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      const [run] = finished(output.path);
      // The agent's 1,000 + 100 tokens at $1 and $2 per million (the config's custom price).
      expect(run?.usage.byRole.Agent?.costUsd).toBeCloseTo(0.0012, 12);
      // The simulator and the judge ran gpt-4.1-mini, which the bundled table prices.
      expect(run?.usage.byRole.User?.costUsd).toBeGreaterThan(0);
      expect(run?.usage.byRole.Judge?.costUsd).toBeGreaterThan(0);
      const total = run?.usage.costUsd as number;
      expect(total).toBeCloseTo(
        (run?.usage.byRole.Agent?.costUsd ?? 0) +
          (run?.usage.byRole.User?.costUsd ?? 0) +
          (run?.usage.byRole.Judge?.costUsd ?? 0),
        12,
      );
      expect(result.stdout).toMatch(
        /Cost {7}\$0\.00\d+ \(Agent \$0\.00120 · User \$0\.0\d+ · Judge \$0\.0\d+\)/,
      );
      const junit = readFileSync(join(output.path, "junit.xml"), "utf8");
      expect(junit).toContain(`<property name="usage.costUsd" value="${total}"/>`);
      expect(junit).toContain('<property name="usage.Agent.costUsd" value="0.0012"/>');
    } finally {
      output.remove();
    }
  });

  it("--max-cost below the suite's cost stops starting scenarios and says why", async () => {
    const output = temporaryDirectory("scenario-max-cost-");
    try {
      const result = await runCli(["run", "suite.scenario.ts", "--max-cost", "0.001", "-o", output.path], {
        cwd: costFixture,
        env: modelEnv(),
      });
      // Concurrency 1: the first run alone costs more than $0.001, so the other two never start.
      expect(finished(output.path).map((run) => run.name)).toEqual(["customer one"]);
      expect(result.stderr).toMatch(
        /Suite budget: the finished runs cost \$0\.00\d+, reaching the suite budget of \$0\.00100 \(--max-cost\); no further scenario starts\./,
      );
      expect(result.stdout).toMatch(/2 runs not started \(suite budget: the finished runs cost \$0\.00\d+/);
      expect(result.code).toBe(1);
      // Only one run's worth of simulator calls reached the model.
      const simulatorCalls = server.requests.filter((request) => request.role === "user-simulator").length;
      expect(simulatorCalls).toBeGreaterThan(0);
      expect(server.requests.filter((request) => request.role === "judge").length).toBeGreaterThan(0);
    } finally {
      output.remove();
    }
  });

  it("--max-tokens stops the suite on tokens the same way", async () => {
    const output = temporaryDirectory("scenario-max-tokens-");
    try {
      const result = await runCli(["run", "suite.scenario.ts", "--max-tokens", "100", "-o", output.path], {
        cwd: costFixture,
        env: modelEnv(),
      });
      const runs = finished(output.path);
      expect(runs).toHaveLength(1);
      expect(result.stderr).toContain(
        `Suite budget: the finished runs used ${runs[0]?.usage.totalTokens} tokens, reaching the suite budget of 100 (--max-tokens)`,
      );
      expect(result.code).toBe(1);
    } finally {
      output.remove();
    }
  });

  it("a scenario's own budget ends that run as ERROR with the figure reached", async () => {
    const output = temporaryDirectory("scenario-run-budget-");
    try {
      const result = await runCli(["run", "budgeted.scenario.ts", "-o", output.path], {
        cwd: costFixture,
        env: modelEnv(),
      });
      expect(result.code).toBe(1);
      const [run] = finished(output.path);
      expect(run?.status).toBe("ERROR");
      expect(run?.results.error).toMatch(
        /^Budget exceeded: the run cost \$0\.00\d+, over its budget\.maxCostUsd of \$0\.00100\.$/,
      );
      expect(run?.usage.costUsd).toBeGreaterThan(0.001);
      expect(result.stdout).toContain("Budget exceeded: the run cost $0.00");
      // The judge was never asked: the run ended after the agent's reply.
      expect(server.requests.map((request) => request.role)).not.toContain("judge");
    } finally {
      output.remove();
    }
  });
});
