import { mkdtempSync, rmSync } from "node:fs";
import { join } from "node:path";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, FIXTURES, finishedRuns, runCli, temporaryDirectory } from "./cli-harness";

const llmFixture = join(FIXTURES, "llm");

// Each test spawns the CLI, some several times: give them room on a loaded machine.
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function modelEnv(extra: Record<string, string> = {}) {
  return { OPENAI_API_KEY: "test-key", OPENAI_BASE_URL: server?.baseURL as string, ...extra };
}

describe("scenario run with LLM participants", () => {
  it("runs the user simulator and the judge against the configured model", async () => {
    server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        userSimulator: userSimulatorPersona(() => "hello, can you help me?"),
        judge: judgeBehaviour(),
      }),
    });
    const output = temporaryDirectory("scenario-llm-");
    try {
      const result = await runCli(["run", "-o", output.path], { cwd: llmFixture, env: modelEnv() });
      expect(result.stderr).toBe("");
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("✓ The agent replies to the customer");
      expect(finishedRuns(join(output.path, "events.jsonl")).map((run) => run.status)).toEqual(["SUCCESS"]);
      const roles = server.requests.map((request) => request.role);
      expect(roles).toContain("user-simulator");
      expect(roles).toContain("judge");
      expect(JSON.stringify(server.requests)).not.toContain("test-key");
    } finally {
      output.remove();
    }
  });

  it("--max-turns overrides the scenario's limit", async () => {
    // A judge that never decides: the run goes on until the turn limit and fails there.
    server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        userSimulator: userSimulatorPersona(() => "still there?"),
        judge: judgeBehaviour({ decide: () => "continue" }),
      }),
    });
    const output = temporaryDirectory("scenario-turns-");
    try {
      const result = await runCli(["run", "--max-turns", "2", "-o", output.path], {
        cwd: llmFixture,
        env: modelEnv(),
      });
      expect(result.code).toBe(1);
      const simulatorCalls = server.requests.filter((request) => request.role === "user-simulator").length;
      expect(simulatorCalls).toBe(2);
    } finally {
      output.remove();
    }
  });

  it("--cache record then --cache replay serves the recorded calls without the model", async () => {
    server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        userSimulator: userSimulatorPersona(() => "hello!"),
        judge: judgeBehaviour(),
      }),
    });
    const cacheDir = mkdtempSync(join(llmFixture, ".cache-test-"));
    const output = temporaryDirectory("scenario-cache-");
    try {
      const env = modelEnv({ TEST_CACHE_DIR: cacheDir });
      const recorded = await runCli(["run", "--cache", "record", "-o", output.path], {
        cwd: llmFixture,
        env,
      });
      expect(recorded.code).toBe(0);
      const callsWhenRecording = server.requests.length;
      expect(callsWhenRecording).toBeGreaterThan(0);

      server.setReply(() => {
        throw new Error("the model must not be called in replay mode");
      });
      const replayed = await runCli(["run", "--cache", "replay", "-o", output.path], {
        cwd: llmFixture,
        env,
      });
      expect(replayed.code).toBe(0);
      expect(server.requests.length).toBe(callsWhenRecording);

      const offByDefault = await runCli(["run", "-o", output.path], { cwd: llmFixture, env });
      expect(offByDefault.code).toBe(1);
      expect(server.requests.length).toBeGreaterThan(callsWhenRecording);
    } finally {
      output.remove();
      rmSync(cacheDir, { recursive: true, force: true });
    }
  });
});
