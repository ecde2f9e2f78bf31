import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/** The token the tests hand the adapter through the environment; it must never leak. */
export const AGENT_TOKEN = "tok-http-adapter-secret-0123456789";

/** A long streamed answer, so an interrupt lands partway. */
export const LONG_WORDS = Array.from({ length: 60 }, (_, index) => `word${index}`);

/** One request the test server received. */
export interface ReceivedRequest {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

/** A running test agent server. */
export interface AgentServer {
  url: string;
  requests: ReceivedRequest[];
  /** Answers the next `times` requests to `/flaky` with 429 before answering normally. */
  failNext(times: number): void;
  close(): Promise<void>;
}

type Message = { role: string; content: unknown };

function lastText(messages: Message[]): string {
  const content = messages.at(-1)?.content;
  return typeof content === "string" ? content : JSON.stringify(content ?? "");
}

async function readBody(request: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  const text = Buffer.concat(chunks).toString("utf8");
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function json(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  response.writeHead(status, { "content-type": "application/json", ...headers });
  response.end(JSON.stringify(body));
}

/**
 * A small agent behind HTTP, on 127.0.0.1 and a free port:
 * - `POST /chat` echoes the last message as `{ messages, usage }` (stateless);
 * - `POST /stateful` keeps each conversation by its `X-Scenario-Thread-Id` and says how many
 *   messages it has seen;
 * - `POST /text` answers `{ text }`; `POST /custom` answers `{ data: { answer } }`;
 * - `POST /sse` streams the echo as server-sent events, word by word, then `[DONE]`; asked to
 *   "ramble", it streams `LONG_WORDS` with a pause between events;
 * - `POST /flaky` answers 429 (`Retry-After: 0`) as often as `failNext()` asked, then echoes;
 * - `POST /down` always answers 503; `POST /leaky` answers 500 echoing the Authorization header;
 * - `POST /hang` never answers.
 */
export async function startAgentServer(): Promise<AgentServer> {
  const requests: ReceivedRequest[] = [];
  const conversations = new Map<string, Message[]>();
  const hanging = new Set<ServerResponse>();
  let failures = 0;

  const server = createServer(async (request, response) => {
    const body = (await readBody(request)) as { messages?: Message[] };
    const path = request.url ?? "/";
    requests.push({ path, headers: request.headers, body });
    const messages = body?.messages ?? [];
    const echo = `echo: ${lastText(messages)}`;
    const usage = { inputTokens: 7, outputTokens: 3, totalTokens: 10 };
    switch (path) {
      case "/chat":
        return json(response, 200, { messages: [{ role: "assistant", content: echo }], usage });
      case "/stateful": {
        const thread = String(request.headers["x-scenario-thread-id"]);
        const seen = [...(conversations.get(thread) ?? []), ...messages];
        conversations.set(thread, seen);
        return json(response, 200, { text: `seen ${seen.length}: ${lastText(messages)}` });
      }
      case "/text":
        return json(response, 200, { text: echo });
      case "/custom":
        return json(response, 200, { data: { answer: echo } });
      case "/sse": {
        response.writeHead(200, { "content-type": "text/event-stream" });
        const slow = echo.includes("ramble");
        const words = slow ? LONG_WORDS : echo.split(" ");
        for (const [index, word] of words.entries()) {
          if (response.destroyed) return;
          response.write(`data: ${JSON.stringify({ delta: index === 0 ? word : ` ${word}` })}\n\n`);
          if (slow) await new Promise((resolve) => setTimeout(resolve, 5));
        }
        response.write(`data: ${JSON.stringify({ usage })}\n\n`);
        response.end("data: [DONE]\n\n");
        return;
      }
      case "/flaky":
        if (failures > 0) {
          failures--;
          return json(response, 429, { error: "slow down" }, { "retry-after": "0" });
        }
        return json(response, 200, { messages: [{ role: "assistant", content: echo }], usage });
      case "/down":
        return json(response, 503, { error: "agent unavailable" });
      case "/leaky":
        return json(response, 500, { error: `bad credentials: ${request.headers.authorization}` });
      case "/hang":
        hanging.add(response);
        return;
      default:
        return json(response, 404, { error: "not found" });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    failNext: (times) => {
      failures = times;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const response of hanging) response.destroy();
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
