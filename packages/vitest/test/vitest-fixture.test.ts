import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type FakeJudgeContext,
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

const packageDir = join(import.meta.dirname, "..");
const fixture = join(import.meta.dirname, "fixtures", "project");
const vitestBin = join(packageDir, "..", "..", "node_modules", "vitest", "vitest.mjs");

const ARRIVAL = "The agent tells the customer when the order arrives";
const REFUND = "The agent offers a refund";
const REFUND_REASONING = "The agent only gave a delivery date and never mentioned a refund.";
const API_KEY = "sk-fixture-secret-key";

// The child vitest loads this package and its dependencies from their builds, as a user's would.
const BUILDS = ["vitest", "kit", "events", "core", "spec", "llm", "judge", "user-simulator", "script"];

interface ChildResult {
  code: number | null;
  output: string;
}

/** Runs `vitest run` in the fixture project; killed after `timeoutMs` so the test never hangs. */
function runFixtureVitest(env: Record<string, string>, timeoutMs: number): Promise<ChildResult> {
  const childEnv: NodeJS.ProcessEnv = { ...process.env, CI: "1", NO_COLOR: "1", ...env };
  // This test runs inside vitest: the child must not think it is one of our workers.
  for (const name of Object.keys(childEnv)) {
    if (name.startsWith("VITEST") || name === "NODE_OPTIONS" || name === "SCENARIO_BATCH_RUN_ID") {
      delete childEnv[name];
    }
  }
  const child = spawn(process.execPath, [vitestBin, "run", "--root", fixture], {
    cwd: fixture,
    env: childEnv,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  child.stderr.setEncoding("utf8").on("data", (chunk: string) => {
    output += chunk;
  });
  return new Promise((resolve) => {
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, output });
    });
  });
}

/** The scenario events of an events.jsonl file (without its suite summary line). */
function readScenarioEvents(path: string): Array<Record<string, unknown>> {
  return readFileSync(path, "utf8")
    .split("\n")
    .filter((line) => line.trim() !== "")
    .map((line) => JSON.parse(line) as Record<string, unknown>)
    .filter((record) => String(record.type).startsWith("SCENARIO_"));
}

function agentHasReplied(context: FakeJudgeContext): boolean {
  return context.messages.some(
    (message) => message.role === "assistant" || /^Agent: /m.test(message.content),
  );
}

vi.setConfig({ testTimeout: 240_000, hookTimeout: 240_000 });

describe("a vitest project using @scenario/vitest", () => {
  let server: FakeOpenAIServer;
  let outputDir: string;
  let result: ChildResult;

  beforeAll(async () => {
    const missing = BUILDS.filter((name) => !existsSync(join(packageDir, "..", name, "dist", "index.js")));
    if (missing.length > 0 || !existsSync(join(packageDir, "dist", "setup.js"))) {
      throw new Error(
        `This test runs a real vitest on a fixture project, which loads the built packages; missing builds: ${missing.join(", ") || "vitest (setup entry)"}. ` +
          "Build first: turbo run build --filter=@scenario/vitest...",
      );
    }
    server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        userSimulator: userSimulatorPersona(() => "Where is my order 1042? It is late."),
        judge: judgeBehaviour({
          decide: (context) => {
            if (!agentHasReplied(context)) return "continue";
            if (!context.criteria.includes(REFUND)) return {};
            const offered = context.messages.some((message) => /^Agent: .*refund/im.test(message.content));
            if (offered) return {};
            return {
              verdicts: { [REFUND]: { verdict: "unmet", reasoning: REFUND_REASONING } },
              reasoning: "The refund was never offered.",
            };
          },
        }),
      }),
    });
    outputDir = mkdtempSync(join(tmpdir(), "scenario-vitest-"));
    result = await runFixtureVitest(
      {
        OPENAI_API_KEY: API_KEY,
        OPENAI_BASE_URL: server.baseURL,
        SCENARIO_VITEST_FIXTURE_OUTPUT: outputDir,
      },
      180_000,
    );
  });

  afterAll(async () => {
    await server?.close();
    if (outputDir) rmSync(outputDir, { recursive: true, force: true });
    // The child vitest keeps its results cache in the fixture; leave the tree as it was.
    rmSync(join(fixture, "node_modules"), { recursive: true, force: true });
  });

  it("fails the run because one scenario fails, and passes the others", () => {
    expect(result.code, result.output).toBe(1);
    expect(result.output).toMatch(/order desk > refund offer/);
    expect(result.output).toMatch(/late order, twice/);
    expect(result.output).toMatch(/Tests\s+2 failed \| 3 passed/);
  });

  it("shows the failing scenario's unmet criterion, the judge's reasoning and the transcript in vitest's output", () => {
    const failure = result.output.slice(result.output.indexOf("expected the scenario to pass"));
    expect(failure).toContain("expected the scenario to pass, but it ended with FAILED");
    expect(failure).toContain(`✗ ${REFUND}`);
    expect(failure).toContain(REFUND_REASONING);
    expect(failure).toContain("User: Where is my order 1042? It is late.");
    expect(failure).toContain('Agent calls lookup_order({"orderId":"1042"})');
    expect(failure).toContain('lookup_order returned: {"status":"shipped","eta":"tomorrow"}');
    expect(failure).toContain("Agent: Your order 1042 has shipped and arrives tomorrow.");
  });

  it("fails a repeated scenario that passes only some of its runs, saying how many passed", () => {
    const failure = result.output.slice(result.output.indexOf("pass^2 failed"));
    expect(failure).toContain("pass^2 failed: 1/2 runs passed; every run must pass.");
    expect(failure).toContain("Agent: Your order 1042 is late. It will come.");
    expect(failure).not.toContain("I have refunded order 1042");
  });

  it("prints the console reporter's verdicts with criteria after vitest's own output", () => {
    expect(result.output).toMatch(/PASS\s+order status \(support\.spec\.ts/);
    expect(result.output).toContain(`✓ ${ARRIVAL}`);
    expect(result.output).toMatch(/FAIL\s+refund offer \(support\.spec\.ts/);
    expect(result.output).toMatch(/Scenarios\s+4 passed · 2 failed/);
    expect(result.output).toContain(`✗ ${REFUND}`);
    expect(result.output).toContain(`Scenario HTML report: ${join(outputDir, "index.html")}`);
  });

  it("writes events.jsonl with every captured run, grouped by test file and linked to its test", () => {
    const events = readScenarioEvents(join(outputDir, "events.jsonl"));
    const finished = events.filter((event) => event.type === "SCENARIO_RUN_FINISHED");
    // Two from describeScenarios, two repeats of each scenarioTest; the plain runScenario() is not captured.
    expect(finished.map((event) => [event.name, event.status]).sort()).toEqual([
      ["late order", "FAILED"],
      ["late order", "SUCCESS"],
      ["order status", "SUCCESS"],
      ["order status", "SUCCESS"],
      ["order status", "SUCCESS"],
      ["refund offer", "FAILED"],
    ]);
    expect(new Set(events.map((event) => event.scenarioSetId))).toEqual(new Set(["support.spec.ts"]));
    expect(new Set(events.map((event) => event.batchRunId)).size).toBe(1);
    // The repeats of "late order" passed once and failed once: the suite summary calls it flaky.
    const summary = readFileSync(join(outputDir, "events.jsonl"), "utf8")
      .split("\n")
      .filter((line) => line.includes('"SUITE_SUMMARY"'))
      .map((line) => JSON.parse(line) as { flaky: string[] });
    const lateOrderIds = new Set(
      finished.filter((event) => event.name === "late order").map((event) => event.scenarioId),
    );
    expect(summary.map((line) => line.flaky)).toEqual([[...lateOrderIds]]);
    const started = events.filter((event) => event.type === "SCENARIO_RUN_STARTED");
    expect(started.map((event) => (event.metadata as Record<string, unknown>).vitestTest).sort()).toEqual([
      "late order, twice",
      "late order, twice",
      "order desk > order status",
      "order desk > refund offer",
      "order status, twice",
      "order status, twice",
    ]);
  });

  it("writes junit.xml and index.html for the same runs", () => {
    const junit = readFileSync(join(outputDir, "junit.xml"), "utf8");
    expect(junit).toContain('name="support.spec.ts"');
    expect(junit).toContain("<failure");
    expect(junit).toContain(REFUND);
    const html = readFileSync(join(outputDir, "index.html"), "utf8");
    // The HTML report embeds its data as JSON with "<" and ">" escaped.
    expect(html).toContain("order desk \\u003e refund offer");
    expect(html).toContain(REFUND_REASONING);
  });

  it("applies scenario.config.ts in the workers: the judge and the user simulator use its defaultModel", () => {
    const participants = server.requests.filter((request) => request.role !== "agent");
    expect(new Set(participants.map((request) => request.role))).toEqual(
      new Set(["judge", "user-simulator"]),
    );
    expect(new Set(participants.map((request) => request.model))).toEqual(new Set(["gpt-4.1-nano"]));
  });

  it("runs the tests of describeScenarios({ concurrent: true }) side by side", () => {
    const events = readScenarioEvents(join(outputDir, "events.jsonl"));
    const deskStarts = events.filter(
      (event) =>
        event.type === "SCENARIO_RUN_STARTED" &&
        String((event.metadata as Record<string, unknown>).vitestTest).startsWith("order desk > "),
    );
    expect(deskStarts).toHaveLength(2);
    const deskRunIds = new Set(deskStarts.map((event) => event.scenarioRunId));
    const deskFinishes = events.filter(
      (event) => event.type === "SCENARIO_RUN_FINISHED" && deskRunIds.has(event.scenarioRunId),
    );
    const firstFinish = Math.min(...deskFinishes.map((event) => Number(event.timestamp)));
    // Run one after the other, the second would start only after the first finished.
    for (const started of deskStarts) expect(Number(started.timestamp)).toBeLessThanOrEqual(firstFinish);
  });

  it("runs the config's setup before the tests and its teardown after them", () => {
    // vitest lists every test of a failing file; the one that reads what setup prepared passed.
    expect(result.output).toContain(
      "✓ has the matchers from the setup entry, and what the config's setup prepared",
    );
    expect(readFileSync(join(outputDir, "teardown.txt"), "utf8")).toBe("torn down\n");
  });

  it("never shows the API key", () => {
    expect(result.output).not.toContain(API_KEY);
    for (const file of ["events.jsonl", "junit.xml", "index.html"]) {
      expect(readFileSync(join(outputDir, file), "utf8")).not.toContain(API_KEY);
    }
  });
});
