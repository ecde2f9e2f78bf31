import { aiSdkAgent } from "@scenario/adapter-ai-sdk";
import { AgentAdapter, type AgentInput, AgentRole } from "@scenario/kit";
import type { AgentStreamPart } from "@scenario/spec";
import { OrderBackend } from "./order-backend";
import { SUPPORT_INSTRUCTIONS, SUPPORT_MAX_STEPS, supportTools } from "./support-agent";
import { supportModel } from "./support-model";

/**
 * The support agent as the agent under test, through `@scenario/adapter-ai-sdk`: each turn runs
 * the agent's `generateText()` settings on the conversation and returns its tool calls, tool
 * results and answer, reporting the tokens used. Each instance has its own order backend, so every
 * run starts from the same orders; `backend` is public so a script step can check what happened.
 */
export class SupportAgentAdapter extends AgentAdapter {
  role = AgentRole.AGENT;
  readonly backend = new OrderBackend();
  private readonly settings = {
    name: "SupportAgentAdapter",
    model: supportModel(),
    system: SUPPORT_INSTRUCTIONS,
    tools: supportTools(this.backend),
    stopWhen: ({ steps }: { steps: unknown[] }) => steps.length >= SUPPORT_MAX_STEPS,
  };
  private readonly agent = aiSdkAgent(this.settings);
  // Core only ever calls call(), so text runs keep generateText(); the streamed twin serves
  // consumers that act on a reply while it is written (composableAgent() in examples/voice).
  private readonly streaming = aiSdkAgent({ ...this.settings, stream: true });

  call(input: AgentInput) {
    return this.agent.call(input);
  }

  /**
   * The same reply piece by piece (`streamText()`): its text as it is written, its tool calls and
   * results as each step finishes. composableAgent() uses it to speak before the reply is complete.
   */
  stream(input: AgentInput): AsyncIterable<AgentStreamPart> {
    return this.streaming.stream(input);
  }
}
