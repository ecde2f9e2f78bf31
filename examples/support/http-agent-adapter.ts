import { AgentAdapter, type AgentInput, AgentRole, type ModelMessage } from "@scenario/kit";
import { type SupportAgentServer, startSupportAgentServer } from "./support-agent-server";

/**
 * An adapter for an agent behind an HTTP endpoint: each turn posts the conversation to
 * `<url>/chat` and appends the messages it answers. Without a `url` it starts the support agent
 * locally for the run (connect) and stops it afterwards (disconnect).
 */
export class HttpAgentAdapter extends AgentAdapter {
  role = AgentRole.AGENT;
  override name = "HttpAgent";
  private url: string | undefined;
  private server: SupportAgentServer | undefined;

  constructor(options: { url?: string } = {}) {
    super();
    this.url = options.url;
  }

  override async connect() {
    if (this.url) return;
    this.server = await startSupportAgentServer();
    this.url = this.server.url;
  }

  async call(input: AgentInput) {
    const response = await fetch(`${this.url}/chat`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: input.messages }),
      signal: input.signal,
    });
    const body = (await response.json()) as { messages?: ModelMessage[]; error?: string };
    if (!response.ok || !body.messages)
      throw new Error(`the agent answered HTTP ${response.status}: ${body.error ?? "no messages"}`);
    return body.messages;
  }

  override async disconnect() {
    await this.server?.close();
    this.server = undefined;
  }
}
