// The adapter end to end through the built `scenario` CLI: a scenario file that wraps a real
// LangGraph graph, run in a child process against the fake OpenAI server. It needs the builds of
// the CLI, the kit and this package (`npm test` builds first).

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  type FakeModelRequest,
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, beforeAll, expect, it, vi } from "vitest";
import { assertBuilt, finishedRuns, runCli } from "./run-cli";

const API_KEY = "sk-cli-langgraph-secret-0042";

// A child process on a loaded machine: room to start, bounded all the same.
vi.setConfig({ testTimeout: 120_000 });

let server: FakeOpenAIServer;
let output: string;

beforeAll(async () => {
  assertBuilt("@scenario/adapter-langgraph");
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: (request: FakeModelRequest) => {
        const last = request.messages.at(-1);
        if (last?.role === "tool") return `The weather: ${last.content}`;
        const city = last?.role === "user" && /Rome/.test(last.content) ? "Rome" : "Paris";
        return { toolCalls: [{ name: "get_weather", arguments: { city } }] };
      },
      userSimulator: userSimulatorPersona(["What's the weather in Paris?", "And in Rome?"]),
      judge: judgeBehaviour(),
    }),
  });
  output = mkdtempSync(join(tmpdir(), "scenario-langgraph-cli-"));
});

afterAll(async () => {
  await server?.close();
  if (output) rmSync(output, { recursive: true, force: true });
});

it("runs a LangGraph scenario through the scenario CLI: tools, simulator, judge and usage", async () => {
  const result = await runCli(["run", "-o", output], {
    cwd: join(import.meta.dirname, "fixtures", "cli"),
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL },
  });

  expect(result.code, result.stderr || result.stdout).toBe(0);
  expect(result.stdout).toContain("✓ The agent reports the weather");
  const finished = finishedRuns(output);
  expect(finished.map((run) => run.status)).toEqual(["SUCCESS"]);

  // Two turns, each a tool call and an answer: four model calls of the graph, their tokens in the result.
  const served = server.usage.byRole.agent;
  expect(served?.replies).toBe(4);
  expect(finished[0]?.usage?.byRole?.Agent).toEqual({
    inputTokens: served?.inputTokens,
    outputTokens: served?.outputTokens,
    totalTokens: served?.totalTokens,
  });
  expect(new Set(server.requests.map((entry) => entry.role))).toEqual(
    new Set(["agent", "judge", "user-simulator"]),
  );
  const toolResults = server.requests.flatMap((entry) =>
    entry.role === "agent"
      ? (entry.request?.messages ?? []).filter((message) => message.role === "tool")
      : [],
  );
  expect(toolResults.map((message) => message.content)).toContain("sunny, 22°C in Rome");
  expect(JSON.stringify(server.requests)).not.toContain(API_KEY);
  expect(result.stdout + result.stderr).not.toContain(API_KEY);
});
