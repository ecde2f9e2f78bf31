import { run } from "@scenario/core";
import { agent, succeed, user } from "@scenario/script";
import { type AgentAdapter, AgentRole } from "@scenario/spec";

const echo: AgentAdapter = {
  role: AgentRole.AGENT,
  call: (input) => `You said: ${input.messages.at(-1)?.content}`,
};

// A fully scripted run needs no model: the script plays the user and checks the reply itself.
const result = await run({
  name: "echoes the greeting",
  description: "The user says hello.",
  agents: [echo],
  script: [
    user("hello"),
    agent(),
    (state) => {
      if (state.lastAgentMessage()?.content !== "You said: hello") throw new Error("no echo");
    },
    succeed("the agent echoed the greeting"),
  ],
});

console.log(result.status, result.reasoning);
