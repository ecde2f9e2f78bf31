import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  type CriteriaProvider,
  DEFAULT_MAX_TURNS,
  type JudgeResult,
} from "@scenario/spec";
import type { RedTeamAgent } from "./red-team-agent";

/**
 * A judge that gives the red team's own verdict: it lets the run go on until a verdict is required
 * (a `judge()` step or the last turn), then fails the run if the attack goal was reached (naming
 * the turn) and passes it otherwise. Pair it with the `RedTeamAgent` it reads; use an LLM
 * `judgeAgent()` with safety criteria beside or instead of it to judge more than the goal.
 */
export function redTeamJudge(redTeam: RedTeamAgent): AgentAdapter & CriteriaProvider {
  return {
    role: AgentRole.JUDGE,
    name: "RedTeamJudge",
    criteria: [redTeam.criterion],
    async call(input: AgentInput): Promise<JudgeResult | null> {
      const maxTurns = input.scenarioConfig.maxTurns ?? DEFAULT_MAX_TURNS;
      const required = input.judgmentRequest !== undefined || input.scenarioState.currentTurn >= maxTurns - 1;
      return required ? redTeam.conclude(input) : null;
    },
  };
}
