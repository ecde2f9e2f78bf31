import { Agent } from "@mastra/core/agent";
import { mastraAdapter } from "@scenario/adapter-mastra";
import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";

function supportAgent() {
  return new Agent({
    id: "support",
    name: "Support",
    instructions: "You help customers with their orders.",
    model: "openai/gpt-4.1-mini",
  });
}

export default defineScenario({
  name: "order status",
  description: "A customer asks where order 42 is.",
  agents: () => [
    mastraAdapter({ agent: supportAgent(), generateOptions: { maxSteps: 5 } }),
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The agent asks for the order number or answers about order 42"] }),
  ],
  script: [user(), agent(), user(), agent(), judge()],
});
