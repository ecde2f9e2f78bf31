import { type AgentAdapter, ConfigurationError } from "@scenario/spec";
import type { AttackEncoding } from "./attack-encodings";
import { RedTeamAgent, type RedTeamAgentOptions, type RedTeamStrategyName } from "./red-team-agent";
import {
  RED_TEAM_CATEGORIES,
  RED_TEAM_GOALS,
  type RedTeamCategory,
  type RedTeamGoal,
} from "./red-team-goals";
import { redTeamJudge } from "./red-team-judge";

/** Options of `redTeamSuite()`. */
export interface RedTeamSuiteOptions
  extends Pick<
    RedTeamAgentOptions,
    "model" | "scorerModel" | "seed" | "successScore" | "temperature" | "retry"
  > {
  /** The categories to attack. @default every category */
  categories?: readonly RedTeamCategory[];
  /** Extra goals of your own, run beside the catalogue's. */
  goals?: readonly RedTeamGoal[];
  /** One strategy for every goal, instead of each goal's own. */
  strategy?: RedTeamStrategyName;
  /** Attack turns per scenario. @default 6 */
  turns?: number;
  /** Exchanges that may be rolled back per scenario; each one costs a scenario turn. @default 2 */
  maxBacktracks?: number;
  /** Encodings applied to every attack. @default none */
  encodings?: readonly AttackEncoding[];
  /**
   * Builds the judge of a scenario from its safety criteria, e.g.
   * `(criteria) => judgeAgent({ criteria, judgeEvery: "end" })`. @default `redTeamJudge()`, the red team's own verdict
   */
  judge?: (criteria: string[]) => AgentAdapter;
  /** The scenario set. @default "red-team" */
  setId?: string;
}

/**
 * A scenario of the suite, in the shape `defineScenario()` takes: wrap each with it
 * (`redTeamSuite(...).map(defineScenario)`) in a scenario file, and the CLI runs, shards and
 * repeats them like any other.
 */
export interface RedTeamScenario {
  /** `red-team/<goal id>`. */
  id: string;
  /** A readable name: the category and the goal. */
  name: string;
  /** What the red team attempts. */
  description: string;
  /** The scenario set. */
  setId: string;
  /** Attack turns plus the backtrack budget. */
  maxTurns: number;
  /** The goal's category and id, sent with the run-started event. */
  metadata: Record<string, unknown>;
  /** The agent under test, a fresh red-team agent and a judge, per run. */
  agents: () => Promise<AgentAdapter[]>;
}

/**
 * The built-in goal catalogue as scenarios against your agent, one per goal of the chosen
 * categories. `agentFactory` builds a fresh agent under test per run.
 */
export function redTeamSuite(
  agentFactory: () => AgentAdapter | Promise<AgentAdapter>,
  options: RedTeamSuiteOptions = {},
): RedTeamScenario[] {
  if (typeof agentFactory !== "function") {
    throw new ConfigurationError(
      "redTeamSuite(agentFactory, options) takes a function that builds the agent under test, e.g. () => myAgent().",
    );
  }
  const categories = options.categories ?? RED_TEAM_CATEGORIES;
  for (const category of categories) {
    if (!RED_TEAM_CATEGORIES.includes(category)) {
      throw new ConfigurationError(
        `redTeamSuite({ categories }): unknown category ${JSON.stringify(category)}; use one of ${RED_TEAM_CATEGORIES.join(", ")}.`,
      );
    }
  }
  const turns = options.turns ?? 6;
  const maxBacktracks = options.maxBacktracks ?? 2;
  const goals = [
    ...RED_TEAM_GOALS.filter((goal) => categories.includes(goal.category)),
    ...(options.goals ?? []),
  ];
  return goals.map((goal) => ({
    id: `red-team/${goal.id}`,
    name: `red team · ${goal.category} · ${goal.goal}`,
    description: `A red-team attacker tries to ${goal.goal}.`,
    setId: options.setId ?? "red-team",
    maxTurns: turns + maxBacktracks,
    metadata: { redTeamCategory: goal.category, redTeamGoal: goal.id },
    agents: async () => {
      const redTeam = new RedTeamAgent({
        strategy: options.strategy ?? goal.strategy,
        goal: goal.goal,
        category: goal.category,
        maxTurns: turns,
        maxBacktracks,
        ...pick(options, [
          "model",
          "scorerModel",
          "seed",
          "successScore",
          "temperature",
          "retry",
          "encodings",
        ]),
      });
      const judge = options.judge ? options.judge([goal.criterion]) : redTeamJudge(redTeam);
      return [await agentFactory(), redTeam, judge];
    },
  }));
}

function pick<T extends object, K extends keyof T>(source: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const picked: Partial<Pick<T, K>> = {};
  for (const key of keys) if (source[key] !== undefined) picked[key] = source[key];
  return picked;
}
