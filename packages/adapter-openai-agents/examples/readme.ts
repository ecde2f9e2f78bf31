import { Agent, tool } from "@openai/agents";
import { openAIAgentsAdapter } from "@scenario/adapter-openai-agents";
import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";
import { z } from "zod";

const support = new Agent({
  name: "Support",
  instructions: "You help customers with their orders.",
  tools: [
    tool({
      name: "order_status",
      description: "The status of an order.",
      parameters: z.object({ orderId: z.string() }),
      execute: async ({ orderId }) => `Order ${orderId} shipped yesterday.`,
    }),
  ],
});

export default defineScenario({
  name: "order status",
  description: "A customer asks where order 42 is.",
  agents: () => [
    openAIAgentsAdapter({ agent: support }),
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The agent looks the order up and tells the customer"] }),
  ],
  script: [user(), agent(), user(), agent(), judge()],
});
