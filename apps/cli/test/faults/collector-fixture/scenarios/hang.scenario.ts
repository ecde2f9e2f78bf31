import { type AgentAdapter, AgentRole, agent, defineScenario, succeed, user } from "@scenario/kit";

// An agent that never answers; it gives up when the run is cancelled (Ctrl-C).
function hangingAgent(): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    call(input) {
      return new Promise<string>((_resolve, reject) => {
        input.signal?.addEventListener("abort", () => reject(new Error("cancelled")), { once: true });
      });
    },
  };
}

export default Array.from({ length: 2 }, (_, index) =>
  defineScenario({
    name: `hangs ${index + 1}`,
    description: "The agent never answers.",
    agents: () => [hangingAgent()],
    script: [user("are you there?"), agent(), succeed()],
  }),
);
