import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { ModelMessage } from "ai";
import { OrderBackend } from "./order-backend";
import { createSupportAgent } from "./support-agent";
import { supportModel } from "./support-model";

/** A running support-agent HTTP server. */
export interface SupportAgentServer {
  /** Its base URL, e.g. http://127.0.0.1:53123. */
  url: string;
  close(): Promise<void>;
}

/**
 * Serves the support agent over HTTP, the way it might be deployed: `POST /chat` with
 * `{ messages }` answers `{ messages }` (the new assistant and tool messages). Listens on
 * 127.0.0.1, on a free port.
 */
export async function startSupportAgentServer(): Promise<SupportAgentServer> {
  const agent = createSupportAgent({ model: supportModel(), backend: new OrderBackend() });
  const server = createServer(async (request, response) => {
    if (request.method !== "POST" || request.url !== "/chat") {
      response.writeHead(404).end();
      return;
    }
    try {
      const chunks: Buffer[] = [];
      for await (const chunk of request) chunks.push(chunk as Buffer);
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as { messages: ModelMessage[] };
      const reply = await agent.reply(body.messages);
      response.writeHead(200, { "content-type": "application/json" });
      response.end(JSON.stringify({ messages: reply.messages, usage: reply.usage }));
    } catch (error) {
      response.writeHead(500, { "content-type": "application/json" });
      response.end(JSON.stringify({ error: error instanceof Error ? error.message : String(error) }));
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
