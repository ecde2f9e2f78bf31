import { agent, defineScenario, judge, judgeAgent, user } from "@scenario/kit";
import { supportHttpAgent } from "../support/http-agent-adapter";

// An agent reached over HTTP, through @scenario/adapter-http. Set SUPPORT_AGENT_URL to test a
// deployed agent; without it the support agent starts on a local port for the run.
export default defineScenario({
  name: "answers over HTTP",
  description: "A customer asks where their standing desk (order 2077) is; the agent is reached over HTTP.",
  setId: "http",
  agents: () => [
    supportHttpAgent({ url: process.env.SUPPORT_AGENT_URL }),
    judgeAgent({ criteria: ["The agent says where the order is and when it should arrive"] }),
  ],
  script: [user("Where is my order 2077?"), agent(), judge()],
});
