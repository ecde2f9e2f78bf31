import { agent, defineScenario, succeed, user } from "@scenario/kit";
import { echoAgent } from "../echo-agent";

const count = Number(process.env.QUICK_SCENARIOS ?? 6);

// Script-only runs that need no model: each emits a start, its message snapshots and a finish.
export default Array.from({ length: count }, (_, index) =>
  defineScenario({
    name: `quick ${index + 1}`,
    description: "The user says hi and the agent echoes it.",
    agents: () => [echoAgent()],
    script: [user(`hi ${index + 1}`), agent(), succeed()],
  }),
);
