import { createOpenAI } from "@ai-sdk/openai";
import {
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type ModelMessage,
  ModelMissingError,
  type TokenUsage,
  UserSimulatorError,
} from "@scenario/spec";
import { type FakeOpenAIServer, type FakeReplyInput, startFakeOpenAIServer } from "@scenario/testing";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { OPENING_REQUEST } from "./simulator-prompt";
import { userSimulatorAgent } from "./user-simulator-agent";

let server: FakeOpenAIServer;
let model: ReturnType<ReturnType<typeof createOpenAI>>;

beforeAll(async () => {
  server = await startFakeOpenAIServer();
  model = createOpenAI({ apiKey: "test-key", baseURL: server.baseURL })("gpt-sim");
});
afterAll(async () => {
  await server.close();
});
afterEach(() => {
  server.reset();
  server.setReply(undefined);
  vi.unstubAllEnvs();
});

function agentInput(messages: ModelMessage[] = []) {
  const usage: TokenUsage[] = [];
  const scenarioConfig = {
    name: "s",
    description: "A customer whose kettle broke wants a refund.",
    agents: [],
  };
  const input = {
    threadId: "t",
    messages,
    newMessages: messages,
    requestedRole: AgentRole.USER,
    scenarioState: { currentTurn: 0, messages, description: scenarioConfig.description },
    scenarioConfig,
    recordUsage: (tokens: TokenUsage) => usage.push(tokens),
  } as unknown as AgentInput;
  return { input, usage };
}

function replies(...lines: FakeReplyInput[]) {
  server.enqueueReply(...lines);
}

describe("userSimulatorAgent over HTTP", () => {
  it("opens an empty conversation, with its instructions as the system prompt and the role header", async () => {
    replies("hi, my kettle broke");
    const { input } = agentInput();
    const line = await userSimulatorAgent({ model, persona: "a polite retiree" }).call(input);
    expect(line).toBe("hi, my kettle broke");
    const [entry] = server.requests;
    expect(entry?.headers["x-scenario-role"]).toBe("user-simulator");
    const messages = entry!.request!.messages;
    expect(messages.map((message) => message.role)).toEqual(["system", "user"]);
    expect(messages[0]?.content).toContain("A customer whose kettle broke wants a refund.");
    expect(messages[0]?.content).toContain("<persona>\na polite retiree\n</persona>");
    expect(messages[1]?.content).toBe(OPENING_REQUEST);
  });

  it("answers the agent with the roles flipped", async () => {
    replies("order 42");
    const { input } = agentInput([
      { role: "user", content: "my kettle broke" },
      { role: "assistant", content: "Sorry! Order number?" },
    ]);
    await userSimulatorAgent({ model }).call(input);
    const messages = server.requests[0]!.request!.messages;
    expect(messages.slice(1).map((message) => [message.role, message.content])).toEqual([
      ["assistant", "my kettle broke"],
      ["user", "Sorry! Order number?"],
    ]);
  });

  it("strips a speaker prefix without asking again", async () => {
    replies('User: "where is my refund?"');
    const { input } = agentInput();
    expect(await userSimulatorAgent({ model }).call(input)).toBe("where is my refund?");
    expect(server.requests).toHaveLength(1);
  });

  it("regenerates a reply that slipped into the assistant's part, telling the model why", async () => {
    replies("Hello! How can I help you today?", "<thinking>be annoyed</thinking>", "my kettle is broken");
    const { input } = agentInput();
    expect(await userSimulatorAgent({ model }).call(input)).toBe("my kettle is broken");
    expect(server.requests).toHaveLength(3);
    expect(server.requests[1]?.request?.messages.at(-1)?.content).toContain(
      "(Your previous reply could not be used: it sounded like the assistant",
    );
    expect(server.requests[2]?.request?.messages.at(-1)?.content).toContain("it contained your reasoning");
  });

  it("fails with UserSimulatorError when every attempt is empty", async () => {
    server.setReply("");
    const { input } = agentInput();
    const error = await Promise.resolve(userSimulatorAgent({ model }).call(input)).catch(
      (caught: unknown) => caught,
    );
    expect(error).toBeInstanceOf(UserSimulatorError);
    expect((error as Error).message).toContain(
      "no usable message in 3 attempts (it was empty; it was empty; it was empty)",
    );
    expect(server.requests).toHaveLength(3);
  });

  it("reports the tokens of every attempt, matching the server's counts", async () => {
    replies("As an AI, I have no kettle.", "kettle broke");
    const { input, usage } = agentInput();
    await userSimulatorAgent({ model }).call(input);
    expect(usage).toHaveLength(2);
    const served = server.usage.byRole["user-simulator"]!;
    expect(usage.reduce((total, entry) => total + (entry.inputTokens ?? 0), 0)).toBe(served.inputTokens);
    expect(usage.reduce((total, entry) => total + (entry.outputTokens ?? 0), 0)).toBe(served.outputTokens);
  });

  it("without a model or key, says how to configure one, naming userSimulatorAgent()", async () => {
    vi.stubEnv("OPENAI_API_KEY", "");
    const { input } = agentInput();
    const error = await Promise.resolve(userSimulatorAgent().call(input)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ModelMissingError);
    expect((error as Error).message).toContain("Pass `model` to userSimulatorAgent()");
  });
});

describe("userSimulatorAgent options", () => {
  it("is a user adapter named UserSimulatorAgent", () => {
    const adapter = userSimulatorAgent();
    expect(adapter.role).toBe(AgentRole.USER);
    expect(adapter.name).toBe("UserSimulatorAgent");
    expect(userSimulatorAgent({ name: "Grumpy" }).name).toBe("Grumpy");
  });

  it("rejects bad options clearly", () => {
    expect(() => userSimulatorAgent({ temperature: -1 })).toThrow(ConfigurationError);
    expect(() => userSimulatorAgent({ maxTokens: 0 })).toThrow(/maxTokens/);
    expect(() => userSimulatorAgent({ persona: 5 as unknown as string })).toThrow(/persona/);
  });
});
