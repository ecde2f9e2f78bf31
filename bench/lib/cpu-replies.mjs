// What the simulated models answer in the CPU bench, the same for both frameworks: the agent and
// the user simulator answer a fixed line (told apart by the model id each side is given), and a
// judge continues until its verdict is forced (the last turn), then finds every criterion met.
// Both judges call `continue_test` / `finish_test`; only the shape of `finish_test` differs: ours
// takes `verdicts[]`, the reference's takes `criteria{}` and `verdict`.

/** The model ids each participant is given, so one fake can answer all three. */
export const MODEL_IDS = { agent: "bench-agent", user: "bench-user", judge: "bench-judge" };

/** The scenario both frameworks run. */
export const SCENARIO = {
  description: "A customer asks about the status of order 12 and wants to know when it ships.",
  criteria: ["The agent answers the customer's question", "The agent is polite"],
  turns: 5,
};

const AGENT_LINE = "Order 12 left our warehouse this morning and should arrive on Thursday.";
const USER_LINE = "Hi, where is my order number 12, and when will it arrive?";

/**
 * The reply to one request, from what both the fake server and the in-process mock can see: the
 * tools offered (name and JSON schema) and whether the tool choice forces `finish_test`.
 * @param {{ tools: Array<{ name: string, parameters: any }>, forcedTool: string | undefined, model: string }} request
 * @returns {{ text: string } | { toolCall: { name: string, arguments: object } }}
 */
export function replyTo(request) {
  const finish = request.tools.find((tool) => tool.name === "finish_test");
  if (finish === undefined) return { text: request.model === MODEL_IDS.agent ? AGENT_LINE : USER_LINE };
  if (request.forcedTool !== "finish_test") return { toolCall: { name: "continue_test", arguments: {} } };
  const properties = finish.parameters?.properties ?? {};
  if (properties.verdicts) {
    const criteria = properties.verdicts.items?.properties?.criterion?.enum ?? [];
    return {
      toolCall: {
        name: "finish_test",
        arguments: {
          verdicts: criteria.map((criterion) => ({ criterion, verdict: "met", reasoning: "shown" })),
          reasoning: "Every criterion is met.",
        },
      },
    };
  }
  const names = Object.keys(properties.criteria?.properties ?? {});
  return {
    toolCall: {
      name: "finish_test",
      arguments: {
        criteria: Object.fromEntries(names.map((name) => [name, "true"])),
        reasoning: "Every criterion is met.",
        verdict: "success",
      },
    },
  };
}

/** The fake server's `reply` function: the same answers over HTTP. */
export function fakeServerReply(request) {
  const forcedTool = typeof request.toolChoice === "object" ? request.toolChoice.toolName : undefined;
  const reply = replyTo({ tools: request.tools, forcedTool, model: request.model });
  if ("text" in reply) return reply.text;
  return { toolCalls: [reply.toolCall] };
}
