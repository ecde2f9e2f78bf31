import { join } from "node:path";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, beforeAll, expect, it } from "vitest";
import { runScenarioCli } from "../../../tooling/test-helpers/run-scenario-cli";
import { AGENT_TOKEN, type AgentServer, startAgentServer } from "./agent-server";

let model: FakeOpenAIServer;
let agentServer: AgentServer;

beforeAll(async () => {
  agentServer = await startAgentServer();
  model = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      userSimulator: userSimulatorPersona(["Hello, can you help me?", "Thanks!"]),
      judge: judgeBehaviour(),
    }),
  });
});

afterAll(async () => {
  await agentServer.close();
  await model.close();
});

it("runs scenarios with an HTTP agent through the scenario CLI, never showing its token", {
  timeout: 120_000,
}, async () => {
  const result = await runScenarioCli({
    packageDir: join(import.meta.dirname, ".."),
    cwd: join(import.meta.dirname, "fixtures", "cli"),
    env: {
      OPENAI_API_KEY: "test-key",
      OPENAI_BASE_URL: model.baseURL,
      AGENT_URL: agentServer.url,
      AGENT_TOKEN,
    },
  });
  // One scenario passes, the one whose server fails ends in ERROR: the CLI exits 1.
  expect(result.code).toBe(1);
  const byName = Object.fromEntries(result.finished.map((run) => [run.name, run] as const));
  expect(byName["http agent answers"]?.status).toBe("SUCCESS");
  expect(byName["http agent fails"]?.status).toBe("ERROR");
  const chats = agentServer.requests.filter((request) => request.path === "/chat");
  expect(chats.length).toBeGreaterThan(0);
  expect(chats[0]?.headers.authorization).toBe(`Bearer ${AGENT_TOKEN}`);
  expect(chats[0]?.headers["x-scenario-thread-id"]).toEqual(expect.any(String));
  // The test server reports 10 tokens per answer.
  expect(byName["http agent answers"]?.usage?.byRole.Agent?.totalTokens).toBe(10 * chats.length);
  expect(result.events).toContain("bad credentials: Bearer [REDACTED]");
  for (const output of [result.events, result.stdout, result.stderr])
    expect(output).not.toContain(AGENT_TOKEN);
});
