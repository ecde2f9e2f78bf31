import { AIMessage } from "@langchain/core/messages";
import { END, MemorySaver, MessagesAnnotation, START, StateGraph } from "@langchain/langgraph";
import { langGraphAdapter } from "@scenario/adapter-langgraph";
import { agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";

// Your graph; this one answers without a model, a real one calls yours.
const workflow = new StateGraph(MessagesAnnotation)
  .addNode("support", () => ({ messages: [new AIMessage("Order 42 shipped yesterday.")] }))
  .addEdge(START, "support")
  .addEdge("support", END);

export default defineScenario({
  name: "order status",
  description: "A customer asks where order 42 is.",
  agents: () => [
    langGraphAdapter({ graph: workflow.compile({ checkpointer: new MemorySaver() }) }),
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The agent tells the customer where the order is"] }),
  ],
  script: [user(), agent(), user(), agent(), judge()],
});
