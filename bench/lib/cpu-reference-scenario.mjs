// The bench scenario on @langwatch/scenario (loads under `node --import tsx` only): 5 turns of
// user simulator, agent and judge, no script.
import scenario, { AgentRole } from "@langwatch/scenario";
import { generateText } from "ai";
import { SCENARIO } from "./cpu-replies.mjs";

/**
 * Runs the scenario once and throws unless it passed.
 * @param {{ agent: unknown, user: unknown, judge: unknown }} models
 */
export async function runReference(models) {
  const result = await scenario.run({
    name: "order status",
    description: SCENARIO.description,
    agents: [
      {
        role: AgentRole.AGENT,
        name: "OrderAgent",
        call: async (input) => (await generateText({ model: models.agent, messages: input.messages })).text,
      },
      scenario.userSimulatorAgent({ model: models.user }),
      // Its judge collects the process's spans for every run, and once their digest passes
      // `tokenThreshold` it switches to a trace-reading mode whose verdict is never forced on the
      // last turn, so runs after the first would not end in 5 turns. The digest is still built.
      scenario.judgeAgent({
        criteria: SCENARIO.criteria,
        model: models.judge,
        tokenThreshold: Number.POSITIVE_INFINITY,
      }),
    ],
    maxTurns: SCENARIO.turns,
    verbose: false,
  });
  if (!result.success) throw new Error(`the bench scenario must pass: ${result.reasoning}`);
}
