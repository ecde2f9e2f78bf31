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

  it("throws a RangeError on a negative index, as @langwatch/scenario does, and removes nothing", () => {
    const state = new ScenarioExecutionState(config);
    state.addMessage({ role: "user", content: "a" });
    expect(() => state.rollbackMessagesTo(-1)).toThrow(RangeError);
    expect(() => state.rollbackMessagesTo(-1)).toThrow(
      "rollbackMessagesTo(-1): the index must be a whole number of 0 or more",
    );
    expect(() => state.rollbackMessagesTo(1.5)).toThrow(RangeError);
    expect(texts(state.messages)).toEqual(["a"]);
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
    expect(state.lastToolCallPart("search")).toBeUndefined();
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
    // As in @langwatch/scenario: the tool message holding the result, not the call part.
    expect(state.lastToolCall("search")).toEqual({
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
    expect(state.lastToolCallPart("search")).toEqual({
      type: "tool-call",
      toolCallId: "2",
      toolName: "search",
      input: { q: "red shoes" },
    });
    expect(state.hasToolCall("search")).toBe(true);
    expect(state.hasToolCall("checkout")).toBe(false);
    expect(state.lastToolCall("checkout")).toBeUndefined();
  });

  it("finds the tool message of the named tool among results of others, and counts a call without a result", () => {
    const state = new ScenarioExecutionState(config);
    const weatherResult = {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "w1",
          toolName: "weather",
          output: { type: "text", value: "sunny" },
        },
      ],
    } satisfies ModelMessage;
    state.addMessage(weatherResult);
    state.addMessage({
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "s1", toolName: "search", output: { type: "text", value: "x" } },
      ],
    });
    expect(state.lastToolCall("weather")).toBe(weatherResult);
    // A call the agent announced whose result never came: no tool message, but the tool was called.
    state.addMessage({
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: "b1", toolName: "book", input: { seat: "1A" } }],
    });
    expect(state.lastToolCall("book")).toBeUndefined();
    expect(state.lastToolCallPart("book")?.input).toEqual({ seat: "1A" });
    expect(state.hasToolCall("book")).toBe(true);
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
