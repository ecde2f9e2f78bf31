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
import { supportBrain, TEST_API_KEY } from "./support-brain";

let server: FakeOpenAIServer;

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: supportBrain,
      userSimulator: userSimulatorPersona(["Where is my order 2077?", "Great, thanks!"]),
      judge: judgeBehaviour(),
    }),
  });
});

afterAll(async () => {
  await server.close();
});

it("runs a scenario with an AI SDK agent through the scenario CLI against the fake model", {
  timeout: 120_000,
}, async () => {
  const result = await runScenarioCli({
    packageDir: join(import.meta.dirname, ".."),
    cwd: join(import.meta.dirname, "fixtures", "cli"),
    env: {
      OPENAI_API_KEY: TEST_API_KEY,
      OPENAI_BASE_URL: server.baseURL,
    },
  });
  expect(result.stderr).toBe("");
  expect(result.code).toBe(0);
  expect(result.finished.map((run) => run.status)).toEqual(["SUCCESS"]);
  // The agent's model was asked with its tool, answered with a tool call, then saw the result.
  const agentRequests = server.requests.filter((request) => request.role === "agent");
  expect(agentRequests.length).toBeGreaterThanOrEqual(2);
  expect(agentRequests[0]?.request?.tools.map((tool) => tool.name)).toEqual(["lookupOrder"]);
  expect(agentRequests[1]?.request?.messages.at(-1)).toMatchObject({ role: "tool" });
  expect(result.finished[0]?.usage?.byRole.Agent?.totalTokens).toBe(server.usage.byRole.agent?.totalTokens);
  expect(result.events).not.toContain(TEST_API_KEY);
  expect(result.stdout).not.toContain(TEST_API_KEY);
});
