import { AgentRole, type ModelMessage, ScriptError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { fakeAgentUnderTest, texts } from "../test/fake-agents";
import { run, ScenarioExecution, ScenarioExecutionState } from "./index";

const config = { name: "state", description: "state tests", agents: [] };

describe("rollbackMessagesTo", () => {
  it("removes the messages from the index on and returns them", () => {
    const state = new ScenarioExecutionState(config);
    for (const content of ["a", "b", "c", "d"]) state.addMessage({ role: "user", content });
    const removed = state.rollbackMessagesTo(2);
    expect(texts(removed)).toEqual(["c", "d"]);
    expect(texts(state.messages)).toEqual(["a", "b"]);
  });

  it("clamps an index past the end and removes nothing", () => {
    const state = new ScenarioExecutionState(config);
    state.addMessage({ role: "user", content: "a" });
    expect(state.rollbackMessagesTo(99)).toEqual([]);
    expect(texts(state.messages)).toEqual(["a"]);
    expect(texts(state.rollbackMessagesTo(0))).toEqual(["a"]);
    expect(state.messages).toEqual([]);
  });

  it("throws on a negative index", () => {
    const state = new ScenarioExecutionState(config);
    expect(() => state.rollbackMessagesTo(-1)).toThrow(ScriptError);
    expect(() => state.rollbackMessagesTo(-1)).toThrow(/whole number of 0 or more/);
  });

  it("removes the rolled-back messages from every agent's pending queue", async () => {
    const agent = fakeAgentUnderTest();
    const removed: ModelMessage[][] = [];
    await run({
      ...config,
      agents: [agent],
      script: [
        (_s, e) => e.user("kept"),
        (_s, e) => e.user("dropped 1"),
        (state) => state.addMessage({ role: "user", content: "dropped 2" }),
        (state) => {
          removed.push(state.rollbackMessagesTo(1));
        },
        (state) => state.addMessage({ role: "user", content: "added after" }),
        (_s, e) => e.agent(),
        (_s, e) => e.succeed(),
      ],
    });
    expect(texts(removed[0]!)).toEqual(["dropped 1", "dropped 2"]);
    expect(texts(agent.calls[0]!.newMessages)).toEqual(["kept", "added after"]);
  });
});

describe("state helpers", () => {
  it("finds the last message, user message, agent message and tool call", () => {
    const state = new ScenarioExecutionState(config);
    expect(state.lastMessage()).toBeUndefined();
    expect(state.lastToolCall("search")).toBeUndefined();
    state.addMessage({ role: "user", content: "find shoes" });
    state.addMessage({
      role: "assistant",
      content: [
        { type: "tool-call", toolCallId: "1", toolName: "search", input: { q: "shoes" } },
        { type: "tool-call", toolCallId: "2", toolName: "search", input: { q: "red shoes" } },
      ],
    });
    state.addMessage({
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "2",
          toolName: "search",
          output: { type: "text", value: "3 found" },
        },
      ],
    });
    state.addMessage({ role: "assistant", content: "Here are 3 pairs." });
    expect(state.lastMessage()).toEqual({ role: "assistant", content: "Here are 3 pairs." });
    expect(state.lastUserMessage()).toEqual({ role: "user", content: "find shoes" });
    expect(state.lastAgentMessage()).toEqual({ role: "assistant", content: "Here are 3 pairs." });
    expect(state.lastToolCall("search")?.toolCallId).toBe("2");
    expect(state.hasToolCall("search")).toBe(true);
    expect(state.hasToolCall("checkout")).toBe(false);
  });

  it("hands out a copy of the conversation and rejects malformed messages", () => {
    const state = new ScenarioExecutionState(config);
    state.messages.push({ role: "user", content: "not added" });
    expect(state.messages).toEqual([]);
    expect(() => state.addMessage({ content: "no role" } as never)).toThrow(ScriptError);
  });

  it("is what custom steps and agents see, with the turn and description", async () => {
    const seen: Array<{ turn: number; description: string; isState: boolean }> = [];
    const execution = new ScenarioExecution({
      ...config,
      agents: [{ role: AgentRole.AGENT, call: () => "ok" }],
      script: [
        (state) => {
          seen.push({
            turn: state.currentTurn,
            description: state.description,
            isState: state instanceof ScenarioExecutionState,
          });
        },
        (_s, e) => e.succeed(),
      ],
    });
    await execution.execute();
    expect(seen).toEqual([{ turn: 0, description: "state tests", isState: true }]);
    expect(execution.state).toBeInstanceOf(ScenarioExecutionState);
  });
});
