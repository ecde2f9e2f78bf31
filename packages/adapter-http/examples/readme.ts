import { httpAgent } from "@scenario/adapter-http";

// A JSON endpoint: POST { messages } and read { messages } (or { message }, { text }, a string).
export const jsonAgent = httpAgent({ url: "https://agent.example.com/chat", bearerTokenEnv: "AGENT_TOKEN" });

// Map your own request and response shapes.
export const mappedAgent = httpAgent({
  url: "https://agent.example.com/ask",
  request: (messages, input) => ({ question: messages.at(-1)?.content, session: input.threadId }),
  response: (body) => (body as { answer: string }).answer,
});

// An OpenAI-compatible chat completions endpoint, streamed (and interruptible).
export const chatAgent = httpAgent({
  format: "chat-completions",
  url: "https://agent.example.com/v1/chat/completions",
  model: "support",
  stream: true,
});

// Server-sent events: `data: {"delta": "…"}` lines until `data: [DONE]` (or map them with `event`).
export const sseAgent = httpAgent({ format: "sse", url: "https://agent.example.com/stream" });
