import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentRole,
  ConfigurationError,
} from "@scenario/spec";

/** An adapter for an echo agent: it depends on @scenario/spec alone. */
export function echoAgent(prefix: string): AgentAdapter {
  if (prefix.length === 0) {
    throw new ConfigurationError("echoAgent() needs a prefix. Pass one, such as 'You said: '.");
  }
  return {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name: "echo",
    call(input) {
      const last = input.messages.at(-1);
      return `${prefix}${typeof last?.content === "string" ? last.content : ""}`;
    },
  };
}
