import { ConfigurationError } from "@scenario/spec";
import type { FakeMessage, FakeModelRequest, FakeReplyFunction } from "./fake-openai-types";

/** Writes the simulated user's next line from the conversation the simulator was sent. */
export type PersonaLineFunction = (
  conversation: FakeMessage[],
  request: FakeModelRequest,
) => string | Promise<string>;

/**
 * A ready-made user simulator for the fake server: it answers each request with the next of the
 * given `lines`, in order, or with what `lines(conversation, request)` returns. Once the lines
 * are used up a request fails (HTTP 500) with a message saying so, so a test that runs longer
 * than planned shows it. Use one persona per scenario run: it counts the lines it has said.
 */
export function userSimulatorPersona(lines: readonly string[] | PersonaLineFunction): FakeReplyFunction {
  if (typeof lines === "function") {
    return async (request) => ({ text: await lines(request.messages, request) });
  }
  if (!Array.isArray(lines) || lines.length === 0 || lines.some((line) => typeof line !== "string")) {
    throw new ConfigurationError(
      "userSimulatorPersona(lines) needs a non-empty array of strings, or a function of the conversation.",
    );
  }
  const script = [...lines];
  let next = 0;
  return () => {
    const line = script[next];
    if (line === undefined) {
      throw new ConfigurationError(
        `userSimulatorPersona: all ${script.length} lines are used and the simulator was asked for another. Give more lines, lower maxTurns, or pass a function of the conversation.`,
      );
    }
    next += 1;
    return { text: line };
  };
}
