import { type AgentAdapter, AgentRole } from "@scenario/kit";

/** An agent under test that needs no model: it repeats the user's last message. */
export function echoAgent(): AgentAdapter {
  return {
    role: AgentRole.AGENT,
    call(input) {
      const last = input.messages.at(-1);
      return `echo: ${typeof last?.content === "string" ? last.content : ""}`;
    },
  };
}
