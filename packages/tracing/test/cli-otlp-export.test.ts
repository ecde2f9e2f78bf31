import { join } from "node:path";
import { installedAiSdkMajor } from "@scenario/llm";
import { SCENARIO_SPAN_ATTRIBUTES as ATTR } from "@scenario/spec";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { type FakeOtlpReceiver, startFakeOtlpReceiver } from "@scenario/testing/otlp";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { runScenarioCli } from "../../../tooling/test-helpers/run-scenario-cli";
import { childrenOf, only, type SpanView } from "./traced-agents";

// The whole path a user takes: `setupScenarioTracing()` in scenario.config.ts, the built
// `scenario` command, OTLP over HTTP to a collector (a real local receiver).
const FIXTURE = join(import.meta.dirname, "fixtures", "cli-suite");

vi.setConfig({ testTimeout: 120_000 });

let model: FakeOpenAIServer;
let receiver: FakeOtlpReceiver;

beforeAll(async () => {
  model = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(() => "I want a refund for order A-17"),
      judge: judgeBehaviour(),
    }),
  });
  receiver = await startFakeOtlpReceiver();
});
afterAll(async () => {
  await model.close();
  await receiver.close();
});

describe("scenario run with setupScenarioTracing() in the config", () => {
  it("exports suite → run → turn → agent/LLM spans over OTLP, the agent's own spans under its turn", async () => {
    // Throws, naming what to build, unless the CLI, the kit and this package are built: the CLI
    // loads the config's @scenario/tracing from its build, as a user's project does.
    const result = await runScenarioCli({
      packageDir: join(import.meta.dirname, ".."),
      cwd: FIXTURE,
      env: {
        OPENAI_API_KEY: "test-key",
        OPENAI_BASE_URL: model.baseURL,
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
      },
    });
    expect(result.stdout).toContain("refund through the CLI");
    expect(result.code).toBe(0);
    // The CLI flushed before it exited: every span is already at the receiver.
    const spans: readonly SpanView[] = receiver.spans;

    const suite = only(spans, "scenario.suite");
    const runSpan = only(childrenOf(spans, suite), "scenario.run");
    expect(runSpan.attributes).toMatchObject({
      [ATTR.scenarioName]: "refund through the CLI",
      [ATTR.status]: "SUCCESS",
      [ATTR.verdict]: "success",
    });
    for (const id of [ATTR.runId, ATTR.batchId, ATTR.threadId, ATTR.scenarioId]) {
      expect(typeof runSpan.attributes[id]).toBe("string");
    }
    const turns = childrenOf(spans, runSpan, "scenario.turn");
    expect(turns.length).toBeGreaterThan(0);
    const calls = childrenOf(spans, turns[0]!, "scenario.agent-call");
    expect(calls.map((call) => call.attributes[ATTR.role])).toEqual(
      expect.arrayContaining(["User", "Agent", "Judge"]),
    );
    for (const call of calls) expect(call.attributes[ATTR.turn]).toBe(0);

    const agentCall = calls.find((call) => call.attributes[ATTR.role] === "Agent")!;
    const handle = only(childrenOf(spans, agentCall), "support-agent.handle");
    expect(childrenOf(spans, handle).map((span) => span.name)).toEqual([
      "tool refund_api",
      "tool lookup_order",
    ]);

    // The user simulator's and the judge's model calls, as the installed AI SDK traces them.
    const llmSpan = installedAiSdkMajor() === 6 ? "ai.generateText" : "invoke_agent scenario.";
    for (const role of ["User", "Judge"]) {
      const call = calls.find((candidate) => candidate.attributes[ATTR.role] === role)!;
      expect(call.attributes[ATTR.inputTokens]).toBeGreaterThan(0);
      expect(childrenOf(spans, call, llmSpan)).toHaveLength(1);
    }
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);
    expect(JSON.stringify(spans)).not.toContain("test-key");
  });
});
