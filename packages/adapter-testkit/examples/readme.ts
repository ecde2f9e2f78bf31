// echo-agent.test.ts
import { describeAdapterConformance } from "@scenario/adapter-testkit";
import { run } from "@scenario/core";
import { AGENT_SPECIFICATION_VERSION, type AgentAdapter, AgentRole } from "@scenario/spec";

/** The adapter under test; yours wraps your framework's agent. */
function echoAgent(): AgentAdapter {
  return {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name: "EchoAgent",
    call: (input) => `You said: ${input.newMessages.at(-1)?.content}`,
  };
}

describeAdapterConformance(echoAgent, {
  name: "EchoAgent", // the name the adapter must declare
  run, // also runs a one-turn scenario through the executor
});
