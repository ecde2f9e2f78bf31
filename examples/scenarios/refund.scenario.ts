import { agent, defineScenario, judge, judgeAgent, user } from "@scenario/kit";
import { SupportAgentAdapter } from "../support/support-agent-adapter";

// A scripted flow: the script pins the customer's message, the agent answers (calling its tools),
// a plain assertion checks the tool calls, and the judge checks the reply against the criteria.
export default defineScenario({
  name: "refunds a broken item",
  description: "A customer's wireless headphones (order #1042) arrived broken; they want a refund.",
  setId: "support",
  agents: () => [
    new SupportAgentAdapter(),
    judgeAgent({
      criteria: ["The agent refunds order 1042", "The agent tells the customer how much was refunded"],
    }),
  ],
  script: [
    user("Hi, my wireless headphones from order #1042 arrived broken. Can I get a refund?"),
    agent(),
    (state) => {
      const lookup = state.lastToolCallPart("lookupOrder");
      const refund = state.lastToolCallPart("issueRefund");
      if (!lookup) throw new Error("expected the agent to look the order up with lookupOrder");
      if (!refund) throw new Error("expected the agent to call issueRefund");
      const input = refund.input as { orderId?: string };
      if (input.orderId?.replace("#", "") !== "1042") {
        throw new Error(`issueRefund was called for order ${JSON.stringify(input.orderId)}, expected 1042`);
      }
    },
    judge(),
  ],
});
