// scenarios/greeting.scenario.ts
import {
  type AgentAdapter,
  AgentRole,
  agent,
  defineScenario,
  judge,
  judgeAgent,
  user,
  userSimulatorAgent,
} from "@scenario/kit";

const myAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  async call(input) {
    return `You said: ${input.messages.at(-1)?.content}`; // call your agent here
  },
};

export default defineScenario({
  name: "greets a new customer",
  description: "A first-time customer says hello and asks what the assistant can do.",
  agents: () => [myAgent, userSimulatorAgent(), judgeAgent({ criteria: ["The assistant offers help"] })],
  script: [user(), agent(), judge()],
});
