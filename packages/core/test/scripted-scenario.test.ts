import { run } from "@scenario/core";
import { agent, succeed, user } from "@scenario/script";
import { type AgentAdapter, type AgentInput, AgentRole, type ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";

/** The agent under test: answers with what the user last said. */
const echoAgent: AgentAdapter = {
  name: "EchoAgent",
  role: AgentRole.AGENT,
  call(input: AgentInput) {
    const last = input.newMessages.findLast((message) => message.role === "user");
    return `You said: ${typeof last?.content === "string" ? last.content : ""}`;
  },
};

function textOf(message: ModelMessage | undefined): string | undefined {
  return typeof message?.content === "string" ? message.content : undefined;
}

describe("a scripted scenario, written as a user writes it", () => {
  it("passes when the agent answers as expected", async () => {
    const result = await run({
      name: "echo greets back",
      description: "The user greets the echo agent, which repeats the greeting.",
      agents: [echoAgent],
      script: [
        user("hello there"),
        agent(),
        (state) => {
          expect(textOf(state.lastAgentMessage())).toBe("You said: hello there");
        },
        user("bye"),
        agent(),
        succeed("the agent echoed both lines"),
      ],
    });

    expect(result.success).toBe(true);
    expect(result.status).toBe("SUCCESS");
    expect(result.reasoning).toBe("the agent echoed both lines");
    expect(result.messages).toEqual([
      { role: "user", content: "hello there" },
      { role: "assistant", content: "You said: hello there" },
      { role: "user", content: "bye" },
      { role: "assistant", content: "You said: bye" },
    ]);
  });

  it("rejects with the assertion's own error when an expect fails", async () => {
    let thrown: unknown;
    const outcome = run({
      name: "echo misbehaves",
      description: "The test expects a reply the echo agent never gives.",
      agents: [echoAgent],
      script: [
        user("hello"),
        agent(),
        (state) => {
          try {
            expect(textOf(state.lastAgentMessage())).toBe("Bonjour");
          } catch (error) {
            thrown = error;
            throw error;
          }
        },
        succeed(),
      ],
    });

    await expect(outcome).rejects.toThrow(/Bonjour/);
    await outcome.catch((error: unknown) => {
      expect(error).toBe(thrown);
    });
  });
});
