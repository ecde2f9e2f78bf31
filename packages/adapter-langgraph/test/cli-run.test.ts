// The adapter end to end through the built `scenario` CLI: a scenario file that wraps a real
// LangGraph graph, run in a child process against the fake OpenAI server. It needs the builds of
// the CLI, the kit and this package (`npm test` builds first).

import { join } from "node:path";
import {
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, beforeAll, it, vi } from "vitest";
import { runScenarioCli } from "../../../tooling/test-helpers/run-scenario-cli";
import {
  expectWeatherCliRun,
  WEATHER_QUESTIONS,
  weatherAgentReply,
} from "../../../tooling/test-helpers/weather-scenario";

const API_KEY = "sk-cli-langgraph-secret-0042";

// A child process on a loaded machine: room to start, bounded all the same.
vi.setConfig({ testTimeout: 120_000 });

let server: FakeOpenAIServer;

beforeAll(async () => {
  server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: weatherAgentReply,
      userSimulator: userSimulatorPersona(WEATHER_QUESTIONS),
      judge: judgeBehaviour(),
    }),
  });
});

afterAll(async () => {
  await server?.close();
});

it("runs a LangGraph scenario through the scenario CLI: tools, simulator, judge and usage", async () => {
  const run = await runScenarioCli({
    packageDir: join(import.meta.dirname, ".."),
    cwd: join(import.meta.dirname, "fixtures", "cli"),
    env: { OPENAI_API_KEY: API_KEY, OPENAI_BASE_URL: server.baseURL },
  });
  expectWeatherCliRun(run, server, API_KEY);
});
