import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CacheMissError, ModelMissingError } from "@scenario/spec";
import { type FakeOpenAIServer, startFakeOpenAIServer } from "@scenario/testing";
import { generateText } from "ai";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { configureScenarioLLM } from "./llm-config";
import { resolveParticipantModel } from "./resolve-participant-model";

let dir: string;
let server: FakeOpenAIServer;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "scenario-participant-"));
  configureScenarioLLM({ cacheDir: dir });
  server = await startFakeOpenAIServer({ reply: "recorded answer" });
});
afterEach(async () => {
  configureScenarioLLM({ cacheDir: undefined });
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

describe("resolveParticipantModel", () => {
  it("in replay mode without a key, replays what the requested OpenAI model recorded", async () => {
    const recording = resolveParticipantModel({
      model: "openai/gpt-4o",
      participant: "judgeAgent()",
      cacheKey: "k",
      env: { OPENAI_API_KEY: "sk-test", OPENAI_BASE_URL: server.baseURL, SCENARIO_CACHE_MODE: "read-write" },
    });
    expect((await generateText({ model: recording, prompt: "hi" })).text).toBe("recorded answer");
    expect(server.requests).toHaveLength(1);

    const replaying = resolveParticipantModel({
      model: "openai/gpt-4o",
      participant: "judgeAgent()",
      cacheKey: "k",
      env: { SCENARIO_CACHE_MODE: "replay" },
    });
    expect(replaying.modelId).toBe("gpt-4o");
    expect((await generateText({ model: replaying, prompt: "hi" })).text).toBe("recorded answer");
    expect(server.requests).toHaveLength(1);
  });

  it("in replay mode without a key, a call with no recording is a cache miss, not a request", async () => {
    const model = resolveParticipantModel({
      participant: "judgeAgent()",
      cacheKey: "k",
      env: { SCENARIO_CACHE_MODE: "replay", SCENARIO_MODEL: "gpt-from-env" },
    });
    expect(model.modelId).toBe("gpt-from-env");
    const error = await generateText({ model, prompt: "never recorded", maxRetries: 0 }).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(CacheMissError);
  });

  it("outside replay mode, a missing key is still a ModelMissingError", () => {
    const participant = "judgeAgent()";
    const model = "openai/gpt-4o";
    expect(() =>
      resolveParticipantModel({
        model,
        participant,
        cacheKey: "k",
        env: { SCENARIO_CACHE_MODE: "read-write" },
      }),
    ).toThrow(ModelMissingError);
    // Without a cacheKey nothing is replayed, whatever the mode.
    expect(() =>
      resolveParticipantModel({ model, participant, env: { SCENARIO_CACHE_MODE: "replay" } }),
    ).toThrow(ModelMissingError);
  });
});
