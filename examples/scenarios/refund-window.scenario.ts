import { agent, defineScenario, judge, judgeAgent, user } from "@scenario/kit";
import { SupportAgentAdapter } from "../support/support-agent-adapter";

// An inline checkpoint: judge({ criteria }) in the middle of the script checks the first answer and
// lets the conversation go on when it passes; the final judge() checks the judge's own criteria.
export default defineScenario({
  name: "declines a refund outside the window",
  description: "A customer wants a refund for an espresso machine (order 3001) delivered 45 days ago.",
  setId: "support",
  agents: () => [
    new SupportAgentAdapter(),
    judgeAgent({ criteria: ["The agent stays polite and offers further help"] }),
  ],
  script: [
    user("I'd like a refund for my espresso machine, order 3001. It stopped heating."),
    agent(),
    judge({
      criteria: [
        "The agent looked up order 3001",
        "The agent explains that the order is outside the 30-day refund window",
      ],
    }),
    // Read from the conversation, not the adapter, so the check holds however the agent is wrapped
    // (examples/voice runs this scenario by voice).
    (state) => {
      if (state.hasToolCall("issueRefund"))
        throw new Error("no refund may be issued, but issueRefund was called");
    },
    user("Okay, thanks anyway."),
    agent(),
    judge(),
  ],
});
