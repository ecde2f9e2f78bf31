import { httpAgent } from "@scenario/adapter-http";
import { type AgentAdapter, AgentRole } from "@scenario/kit";
import { type SupportAgentServer, startSupportAgentServer } from "./support-agent-server";

/**
 * The support agent reached over HTTP, through `@scenario/adapter-http`: each turn POSTs the
 * conversation to `<url>/chat` and appends the messages (and usage) it answers. Without a `url`
 * it starts the support agent locally for the run (connect) and stops it afterwards (disconnect).
 */
export function supportHttpAgent(options: { url?: string } = {}): AgentAdapter {
  if (options.url) return httpAgent({ name: "HttpAgent", url: `${options.url}/chat` });
  let server: SupportAgentServer | undefined;
  let agent: AgentAdapter | undefined;
  return {
    role: AgentRole.AGENT,
    name: "HttpAgent",
    async connect() {
      server = await startSupportAgentServer();
      agent = httpAgent({ name: "HttpAgent", url: `${server.url}/chat` });
    },
    call(input) {
      if (!agent) throw new Error("the local support agent server is not running: connect() was not called");
      return agent.call(input);
    },
    async disconnect() {
      await server?.close();
      server = undefined;
    },
  };
}
