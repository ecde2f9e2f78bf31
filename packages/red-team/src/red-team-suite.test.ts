import { type AgentAdapter, AgentRole, ConfigurationError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { RedTeamAgent } from "./red-team-agent";
import { RED_TEAM_CATEGORIES, RED_TEAM_GOALS } from "./red-team-goals";
import { redTeamSuite } from "./red-team-suite";

const target = (): AgentAdapter => ({ role: AgentRole.AGENT, call: () => "no" });

describe("redTeamSuite", () => {
  it("builds one scenario per catalogue goal of the chosen categories", async () => {
    const scenarios = redTeamSuite(target, {
      categories: ["system-prompt-leakage", "excessive-agency"],
      turns: 4,
    });
    expect(scenarios.map((scenario) => scenario.id)).toEqual(
      RED_TEAM_GOALS.filter((goal) =>
        ["system-prompt-leakage", "excessive-agency"].includes(goal.category),
      ).map((goal) => `red-team/${goal.id}`),
    );
    const [first] = scenarios;
    expect(first?.maxTurns).toBe(6);
    expect(first?.setId).toBe("red-team");
    const agents = (await first?.agents()) ?? [];
    expect(agents.map((agent) => agent.role)).toEqual([AgentRole.AGENT, AgentRole.USER, AgentRole.JUDGE]);
    const redTeam = agents[1] as RedTeamAgent;
    expect(redTeam).toBeInstanceOf(RedTeamAgent);
    expect(redTeam.report).toMatchObject({ category: "system-prompt-leakage", strategy: "crescendo" });
    // Fresh adapters per run, so repeats and concurrent copies share nothing.
    expect((await first?.agents())?.[1]).not.toBe(redTeam);
  });

  it("covers every category by default and hands safety criteria to a custom judge", async () => {
    const criteria: string[][] = [];
    const scenarios = redTeamSuite(target, {
      strategy: "goat",
      judge: (given) => {
        criteria.push(given);
        return { role: AgentRole.JUDGE, call: () => null };
      },
    });
    expect(new Set(scenarios.map((scenario) => scenario.metadata.redTeamCategory))).toEqual(
      new Set(RED_TEAM_CATEGORIES),
    );
    const agents = (await scenarios[4]?.agents()) ?? [];
    expect((agents[1] as RedTeamAgent).report.strategy).toBe("goat");
    expect(criteria).toEqual([[RED_TEAM_GOALS[4]?.criterion]]);
  });

  it("names an unknown category and the known ones", () => {
    expect(() => redTeamSuite(target, { categories: ["jailbreak" as never] })).toThrow(ConfigurationError);
    expect(() => redTeamSuite(target, { categories: ["jailbreak" as never] })).toThrow(/prompt-injection/);
  });
});

describe("redTeamAgent options", () => {
  it("switches the report section off with SCENARIO_REDTEAM_REPORT=0, keeping the data", () => {
    const off = new RedTeamAgent({
      strategy: "crescendo",
      goal: "leak",
      env: { SCENARIO_REDTEAM_REPORT: "0" },
    });
    expect(off.report).toMatchObject({ report: false, strategy: "crescendo", turns: [] });
    expect(new RedTeamAgent({ strategy: "tap", goal: "leak", env: {} }).report.report).toBe(true);
  });

  it("names the option to fix", () => {
    expect(() => new RedTeamAgent({ strategy: "crescendo", goal: " " })).toThrow(/goal/);
    expect(() => new RedTeamAgent({ strategy: "pair" as never, goal: "leak" })).toThrow(
      /"crescendo", "goat", "tap"/,
    );
    expect(() => new RedTeamAgent({ strategy: "goat", goal: "leak", successScore: 11 })).toThrow(
      ConfigurationError,
    );
    expect(() => new RedTeamAgent({ strategy: "goat", goal: "leak", maxBacktracks: -1 })).toThrow(
      /maxBacktracks/,
    );
  });
});
