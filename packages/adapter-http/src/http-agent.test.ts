import { createOpenAI } from "@ai-sdk/openai";
import { createAgentInput, describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { judgeAgent, userSimulatorAgent } from "@scenario/kit";
import { AgentCallError, AgentRole, type ModelMessage } from "@scenario/spec";
import {
  type FakeModelRequest,
  type FakeOpenAIServer,
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AGENT_TOKEN, type AgentServer, LONG_WORDS, startAgentServer } from "../test/agent-server";
import { httpAgent } from "./http-agent";

const LONG_ANSWER = LONG_WORDS.join(" ");
let agentServer: AgentServer;
let openAIServer: FakeOpenAIServer;

/** The agent's model behind the chat completions endpoint: a tool call for orders, else an echo. */
function chatBrain(request: FakeModelRequest) {
  const last = request.messages.at(-1);
  if (last?.role === "tool") return `The order is ${last.content}.`;
  const text = last?.role === "user" ? last.content : "";
  if (/order \d+/.test(text) && !text.includes("tools")) {
    return { text: "Let me check.", toolCalls: [{ name: "lookupOrder", arguments: { orderId: "2077" } }] };
  }
  return text.includes("ramble") ? LONG_ANSWER : `echo: ${text}`;
}

beforeAll(async () => {
  agentServer = await startAgentServer();
  openAIServer = await startFakeOpenAIServer({
    reply: scenarioBehaviour({
      agent: chatBrain,
      userSimulator: userSimulatorPersona(["Hello there, can you help?", "Thanks!"]),
      judge: judgeBehaviour(),
    }),
  });
});

afterAll(async () => {
  await agentServer.close();
  await openAIServer.close();
});

const env = { AGENT_TOKEN };
const received = () => JSON.stringify([...agentServer.requests, ...openAIServer.requests]);
const failing = () =>
  httpAgent({ url: `${agentServer.url}/leaky`, bearerTokenEnv: "AGENT_TOKEN", env, retries: 0 });
const common = { failing, received, secrets: [AGENT_TOKEN], reportsUsage: true, run };
const chatAgent = (stream: boolean) =>
  httpAgent({
    format: "chat-completions",
    url: `${openAIServer.baseURL}/chat/completions`,
    model: "support-agent",
    stream,
    bearerTokenEnv: "AGENT_TOKEN",
    env,
  });

describeAdapterConformance(
  () => httpAgent({ url: `${agentServer.url}/chat`, bearerTokenEnv: "AGENT_TOKEN", env }),
  {
    ...common,
    title: "httpAgent, JSON",
    name: "HttpAgent",
    returnShapes: [
      {
        name: "{ messages }",
        expect: (messages) =>
          expect(messages).toEqual([{ role: "assistant", content: expect.stringMatching(/^echo: /) }]),
      },
      {
        name: "{ text }",
        create: () => httpAgent({ url: `${agentServer.url}/text` }),
        expect: (messages) =>
          expect(messages).toEqual([{ role: "assistant", content: expect.stringMatching(/^echo: /) }]),
      },
      {
        name: "a custom body read by `response`",
        create: () =>
          httpAgent({
            url: `${agentServer.url}/custom`,
            response: (body) => (body as { data: { answer: string } }).data.answer,
          }),
        expect: (messages) =>
          expect(messages).toEqual([{ role: "assistant", content: expect.stringMatching(/^echo: /) }]),
      },
    ],
  },
);
describeAdapterConformance(() => chatAgent(false), { ...common, title: "httpAgent, chat completions" });
describeAdapterConformance(() => chatAgent(true), {
  ...common,
  title: "httpAgent, chat completions streamed",
});
describeAdapterConformance(() => httpAgent({ format: "sse", url: `${agentServer.url}/sse` }), {
  ...common,
  title: "httpAgent, server-sent events",
});

function userInput(text: string, threadId?: string) {
  return createAgentInput({ messages: [{ role: "user", content: text }], ...(threadId ? { threadId } : {}) });
}

async function failureOf(promise: unknown): Promise<AgentCallError> {
  const error = await Promise.resolve(promise).then(
    () => undefined,
    (thrown: unknown) => thrown,
  );
  expect(AgentCallError.isInstance(error)).toBe(true);
  return error as AgentCallError;
}

describe("httpAgent", () => {
  it("sends the bearer token and headers from the environment, and the thread id as a header and field", async () => {
    const adapter = httpAgent({
      url: `${agentServer.url}/chat`,
      bearerTokenEnv: "AGENT_TOKEN",
      headersFromEnv: { "X-Tenant": "AGENT_TENANT" },
      env: { AGENT_TOKEN, AGENT_TENANT: "acme" },
      conversationId: { header: "X-Conversation", field: "conversationId" },
    });
    await adapter.call(userInput("hi", "thread-42"));
    const request = agentServer.requests.at(-1);
    expect(request?.headers.authorization).toBe(`Bearer ${AGENT_TOKEN}`);
    expect(request?.headers["x-tenant"]).toBe("acme");
    expect(request?.headers["x-conversation"]).toBe("thread-42");
    expect(request?.body).toMatchObject({
      conversationId: "thread-42",
      messages: [{ role: "user", content: "hi" }],
    });
  });

  it("names the missing environment variable", async () => {
    const adapter = httpAgent({
      url: `${agentServer.url}/chat`,
      bearerTokenEnv: "NOT_SET_ANYWHERE",
      env: {},
    });
    const error = await failureOf(adapter.call(userInput("hi")));
    expect(error.message).toContain("The environment variable NOT_SET_ANYWHERE is not set");
  });

  it("sends only the new messages to a server that keeps the conversation by its id", async () => {
    const adapter = httpAgent({ url: `${agentServer.url}/stateful`, messages: "new" });
    const first: ModelMessage = { role: "user", content: "first" };
    const reply = (await adapter.call(
      createAgentInput({ threadId: "t-state", messages: [first] }),
    )) as ModelMessage[];
    const second: ModelMessage = { role: "user", content: "second" };
    const input = createAgentInput({
      threadId: "t-state",
      messages: [first, ...reply, second],
      newMessages: [second],
    });
    expect(await adapter.call(input)).toEqual([{ role: "assistant", content: "seen 2: second" }]);
  });

  it("retries a 429 answer and then succeeds", async () => {
    agentServer.failNext(2);
    const before = agentServer.requests.length;
    const adapter = httpAgent({ url: `${agentServer.url}/flaky`, retries: 2, retryDelayMs: 1 });
    expect(await adapter.call(userInput("again"))).toEqual([{ role: "assistant", content: "echo: again" }]);
    expect(agentServer.requests.slice(before).map((request) => request.path)).toEqual([
      "/flaky",
      "/flaky",
      "/flaky",
    ]);
  });

  it("gives up after the retries with the status and the server's message", async () => {
    const before = agentServer.requests.length;
    const adapter = httpAgent({ url: `${agentServer.url}/down`, retries: 1, retryDelayMs: 1 });
    const error = await failureOf(adapter.call(userInput("hello")));
    expect(error.message).toBe(
      `[HttpAgent] POST ${agentServer.url}/down answered HTTP 503 after 2 attempts: {"error":"agent unavailable"}`,
    );
    expect(agentServer.requests.length - before).toBe(2);
  });

  it("does not retry a 4xx answer other than 429", async () => {
    const before = agentServer.requests.length;
    const error = await failureOf(
      httpAgent({ url: `${agentServer.url}/missing`, retryDelayMs: 1 }).call(userInput("x")),
    );
    expect(error.message).toContain("answered HTTP 404");
    expect(agentServer.requests.length - before).toBe(1);
  });

  it("keeps the token out of the error even when the server echoes it", async () => {
    const error = await failureOf(failing().call(userInput("hello")));
    expect(error.message).toContain("bad credentials: Bearer [REDACTED]");
    expect(JSON.stringify(error, ["message", "stack", "cause", "bodyText"])).not.toContain(AGENT_TOKEN);
    expect(String(error.stack)).not.toContain(AGENT_TOKEN);
  });

  it("abandons an attempt after timeoutMs", async () => {
    const adapter = httpAgent({ url: `${agentServer.url}/hang`, timeoutMs: 50 });
    const error = await failureOf(adapter.call(userInput("anyone?")));
    expect(error.message).toContain("did not answer within 50 ms (the `timeoutMs` option)");
  });

  it("reads a chat completion's tool calls and usage", async () => {
    const input = userInput("where is order 2077?");
    const returned = await chatAgent(false).call(input);
    expect(returned).toEqual([
      {
        role: "assistant",
        content: [
          { type: "text", text: "Let me check." },
          {
            type: "tool-call",
            toolCallId: expect.any(String),
            toolName: "lookupOrder",
            input: { orderId: "2077" },
          },
        ],
      },
    ]);
    const last = openAIServer.requests.at(-1);
    expect(input.recordedUsage).toEqual([expect.objectContaining(last?.usage)]);
  });

  it("streams a chat completion, assembling the tool call from its fragments", async () => {
    const deltas: string[] = [];
    const adapter = httpAgent({
      format: "chat-completions",
      url: `${openAIServer.baseURL}/chat/completions`,
      model: "support-agent",
      stream: true,
      onTextDelta: (text) => deltas.push(text),
    });
    const input = userInput("where is order 2077?");
    const returned = (await adapter.call(input)) as ModelMessage[];
    expect(returned[0]?.content).toEqual([
      { type: "text", text: "Let me check." },
      expect.objectContaining({ type: "tool-call", toolName: "lookupOrder", input: { orderId: "2077" } }),
    ]);
    expect(deltas.join("")).toBe("Let me check.");
    expect(input.recordedUsage).toEqual([expect.objectContaining(openAIServer.requests.at(-1)?.usage)]);
    expect(openAIServer.requests.at(-1)?.body).toMatchObject({
      stream: true,
      stream_options: { include_usage: true },
    });
  });

  it("sends the conversation's tool calls and results in the chat completions format", async () => {
    const input = createAgentInput({
      messages: [
        { role: "user", content: "where is order 2077? (tools done)" },
        {
          role: "assistant",
          content: [
            { type: "tool-call", toolCallId: "call_1", toolName: "lookupOrder", input: { orderId: "2077" } },
          ],
        },
        {
          role: "tool",
          content: [
            {
              type: "tool-result",
              toolCallId: "call_1",
              toolName: "lookupOrder",
              output: { type: "json", value: { status: "shipped" } },
            },
          ],
        },
      ],
    });
    expect(await chatAgent(false).call(input)).toEqual([
      { role: "assistant", content: 'The order is {"status":"shipped"}.' },
    ]);
    expect(
      (openAIServer.requests.at(-1)?.body as { messages: unknown[] } | undefined)?.messages.slice(1),
    ).toEqual([
      {
        role: "assistant",
        content: null,
        tool_calls: [
          {
            id: "call_1",
            type: "function",
            function: { name: "lookupOrder", arguments: '{"orderId":"2077"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "call_1", content: '{"status":"shipped"}' },
    ]);
  });

  it("stops a server-sent events reply on interrupt() and keeps the text so far", async () => {
    const deltas: string[] = [];
    let adapter: ReturnType<typeof httpAgent> | undefined;
    adapter = httpAgent({
      format: "sse",
      url: `${agentServer.url}/sse`,
      onTextDelta: (text) => {
        deltas.push(text);
        if (deltas.length === 3) adapter?.interrupt?.();
      },
    });
    const returned = await adapter.call(userInput("please ramble"));
    expect(returned).toEqual([{ role: "assistant", content: deltas.join("") }]);
    expect(deltas.length).toBeLessThan(LONG_WORDS.length);
    expect(LONG_ANSWER.startsWith(deltas.join(""))).toBe(true);
  });

  it("plays a multi-turn scenario with the user simulator and the judge; usage lands in result.usage", async () => {
    const agentTokensBefore = openAIServer.usage.byRole.agent?.totalTokens ?? 0;
    const model = createOpenAI({ baseURL: openAIServer.baseURL, apiKey: "test-key" })("gpt-4.1-mini");
    const result = await run({
      name: "http agent",
      description: "A customer greets the agent.",
      agents: [
        chatAgent(true),
        userSimulatorAgent({ model }),
        judgeAgent({ model, criteria: ["The agent answers"] }),
      ],
      maxTurns: 3,
    });
    expect(result.status).toBe("SUCCESS");
    expect(result.messages.slice(0, 2)).toEqual([
      { role: "user", content: "Hello there, can you help?" },
      { role: "assistant", content: "echo: Hello there, can you help?" },
    ]);
    expect(result.usage.byRole[AgentRole.AGENT]?.totalTokens).toBe(
      (openAIServer.usage.byRole.agent?.totalTokens ?? 0) - agentTokensBefore,
    );
    expect(JSON.stringify(result)).not.toContain(AGENT_TOKEN);
  });
});
