import { describe, expect, it } from "vitest";
import type { FakeMessage, FakeModelRequest } from "./fake-openai-types";
import { userSimulatorPersona } from "./user-simulator-persona";

const SYSTEM: FakeMessage = {
  role: "system",
  content: "Play the user.\n\n<scenario>\nA customer.\n</scenario>",
};

// A request as Scenario's user simulator sends it: roles flipped, its own lines as `assistant`.
function simulatorRequest(conversation: FakeMessage[]): FakeModelRequest {
  return {
    role: "user-simulator",
    messages: [SYSTEM, ...conversation],
    headers: { "x-scenario-role": "user-simulator" },
  } as unknown as FakeModelRequest;
}

const said = (content: string): FakeMessage => ({ role: "assistant", content, toolCalls: [] });
const heard = (content: string): FakeMessage => ({ role: "user", content });

describe("userSimulatorPersona keeps its place per run (friction 4: --repeat errored 4 of 9 runs)", () => {
  it("gives every run its lines from the first, however many runs share the persona", async () => {
    const persona = userSimulatorPersona(["hello", "and my order?"]);
    // Three runs (--repeat 3), their requests interleaved as with concurrency.
    const opening = simulatorRequest([heard("(The conversation has not started yet.)")]);
    expect(await persona(opening)).toEqual({ text: "hello" });
    expect(await persona(opening)).toEqual({ text: "hello" });
    const second = simulatorRequest([said("hello"), heard("Hi! How can I help?")]);
    expect(await persona(second)).toEqual({ text: "and my order?" });
    expect(await persona(opening)).toEqual({ text: "hello" });
    expect(await persona(second)).toEqual({ text: "and my order?" });
    expect(await persona(second)).toEqual({ text: "and my order?" });
  });

  it("counts lines the simulator joined into one message, and fails once a run used them all", () => {
    const persona = userSimulatorPersona(["one", "two", "three"]);
    expect(persona(simulatorRequest([said("one\ntwo"), heard("ok")]))).toEqual({ text: "three" });
    const everyLineSaid = simulatorRequest([said("one\ntwo"), heard("ok"), said("three"), heard("ok")]);
    expect(() => persona(everyLineSaid)).toThrow(/all 3 lines are used/);
  });

  it("skips scripted user lines that are not its own", async () => {
    const persona = userSimulatorPersona(["my line"]);
    const request = simulatorRequest([said("a scripted hello"), heard("Hi!")]);
    expect(await persona(request)).toEqual({ text: "my line" });
  });
});
