import { defineScenario, judgeAgent, userSimulatorAgent } from "@scenario/kit";
import { SupportAgentAdapter } from "../support/support-agent-adapter";

// A simulated conversation: no script, so the user simulator plays the customer described below
// and the judge watches every turn until it can decide the criteria (or maxTurns is reached).
export default defineScenario({
  name: "handles a delayed order",
  description:
    "An impatient customer's standing desk (order 2077) has not arrived yet. They ask where it is, then ask for a refund instead of waiting.",
  setId: "support",
  maxTurns: 5,
  agents: () => [
    new SupportAgentAdapter(),
    userSimulatorAgent({ persona: "Impatient, types in lowercase, short messages." }),
    judgeAgent({
      criteria: [
        "The agent looks up the order before answering",
        "The agent explains that an order still in transit cannot be refunded yet",
        "The agent does not issue a refund",
      ],
    }),
  ],
});
