// The bench scenario on @scenario/kit: 5 turns of user simulator, agent and judge, no script.
import scenario, { AgentRole } from "@scenario/kit";
import { generateText } from "ai";
import { SCENARIO } from "./cpu-replies.mjs";

/**
 * The three participants, each on its own model.
 * @param {{ agent: unknown, user: unknown, judge: unknown }} models
 */
export function oursAgents(models) {
  return [
    {
      role: AgentRole.AGENT,
      name: "OrderAgent",
      call: async (input) => (await generateText({ model: models.agent, messages: input.messages })).text,
    },
    scenario.userSimulatorAgent({ model: models.user }),
    scenario.judgeAgent({ criteria: SCENARIO.criteria, model: models.judge }),
  ];
}

/**
 * Runs the scenario once and throws unless it passed (a bench of a failing run measures nothing).
 * @param {{ agent: unknown, user: unknown, judge: unknown }} models
 */
export async function runOurs(models) {
  const result = await scenario.run({
    name: "order status",
    description: SCENARIO.description,
    agents: oursAgents(models),
    maxTurns: SCENARIO.turns,
  });
  if (!result.success) throw new Error(`the bench scenario must pass: ${result.reasoning}`);
}
