import { AgentAdapter, type AgentInput, AgentRole, type ModelMessage } from "@scenario/kit";
import { OrderBackend } from "./order-backend";
import { createSupportAgent } from "./support-agent";
import { supportModel } from "./support-model";

/**
 * The support agent as the agent under test. Each instance has its own order backend, so every
 * run starts from the same orders; `backend` is public so a script step can check what happened.
 */
export class SupportAgentAdapter extends AgentAdapter {
  role = AgentRole.AGENT;
  readonly backend = new OrderBackend();
  private readonly agent = createSupportAgent({ model: supportModel(), backend: this.backend });

  async call(input: AgentInput) {
    const reply = await this.agent.reply(input.messages, input.signal);
    input.recordUsage(reply.usage);
    // The assistant's tool calls and the tool results go into the conversation too, so scripts
    // and the judge can see them.
    return reply.messages as ModelMessage[];
  }
}
