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
 * than planned shows it.
 *
 * The place in the lines is kept per run: a request from Scenario's user simulator (header
 * `X-Scenario-Role: user-simulator`, its system prompt holding the scenario in `<scenario>` tags)
 * carries its run's conversation, in which the simulator's own lines are the `assistant` messages,
 * so the next line is the one after those already said there. One persona therefore serves
 * concurrent runs and `--repeat`. Any other request (a hand-made call in a test, without the run's
 * conversation) counts the calls made to this persona instead.
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
  let calls = 0;
  return (request) => {
    const position = isSimulatorOfARun(request) ? linesAlreadySaid(script, request.messages) : calls;
    const line = script[position];
    if (line === undefined) {
      throw new ConfigurationError(
        `userSimulatorPersona: all ${script.length} lines are used and the simulator was asked for another. Give more lines, lower maxTurns, or pass a function of the conversation.`,
      );
    }
    calls += 1;
    return { text: line };
  };
}

/** A request of Scenario's user simulator, with its run's conversation (see `buildSimulatorPrompt`). */
function isSimulatorOfARun(request: FakeModelRequest): boolean {
  if (request.role !== "user-simulator") return false;
  return request.messages.some(
    (message) => message.role === "system" && message.content.includes("<scenario>"),
  );
}

/**
 * How many of `script`'s lines, in order, the simulator has already said in `conversation`. The
 * simulator joins consecutive lines of one side into one message, so the search runs over all of
 * its text rather than message by message.
 */
function linesAlreadySaid(script: readonly string[], conversation: readonly FakeMessage[]): number {
  const said = conversation
    .filter((message) => message.role === "assistant")
    .map((message) => message.content)
    .join("\n");
  let position = 0;
  let cursor = 0;
  while (position < script.length) {
    const found = said.indexOf(script[position]!, cursor);
    if (found === -1) break;
    cursor = found + script[position]!.length;
    position += 1;
  }
  return position;
}
