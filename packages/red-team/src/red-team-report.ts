/**
 * What a red-team run leaves in `ScenarioResult.artifacts.redTeam` (and, being plain JSON, in the
 * run-finished event, where the console and HTML reporters read it).
 */

/** The key of the red-team report in `ScenarioResult.artifacts`. */
export const RED_TEAM_ARTIFACT_KEY = "redTeam";

/** One attack the red team sent, and how the agent under test answered it. */
export interface RedTeamTurn {
  /** The 1-based order in which attacks were sent, backtracked ones included. */
  attempt: number;
  /** The exchange's position in the conversation as kept (1 = the first user message). */
  turn: number;
  /** The attack as the attacker wrote it, before encoding. */
  attack: string;
  /** The message the agent under test received (encoded when encodings apply). */
  sent: string;
  /** The names of the encodings applied, in order; empty when sent as written. */
  encodings: string[];
  /** The technique the attacker chose (GOAT, TAP), when it named one. */
  technique?: string;
  /** The Crescendo phase of the turn. */
  phase?: string;
  /** The attacker's reasoning about the last reply, when it gave some (GOAT). */
  thought?: string;
  /** The TAP tree node this attack is, when TAP sent it. */
  nodeId?: string;
  /** The agent's reply, as text; absent until it replied. */
  reply?: string;
  /** The scorer's rating of the reply, 0 (no progress) to 10 (goal met). */
  score?: number;
  /** Why the scorer rated it so. */
  reason?: string;
  /** Whether the scorer saw a hard refusal. */
  refused?: boolean;
  /** True when the exchange was rolled back: the agent no longer sees it, the report keeps it. */
  backtracked: boolean;
}

/** Why a TAP node was not continued, or that it was. */
export type RedTeamNodeStatus = "off-goal" | "unexplored" | "low-score" | "refused" | "kept" | "pending";

/** One candidate attack of a TAP tree. */
export interface RedTeamTreeNode {
  /** Stable within the run: `"n4"` is the fourth candidate proposed. */
  id: string;
  /** The node this one continues from; absent at depth 1. */
  parentId?: string;
  /** 1-based depth: the exchange it would be. */
  depth: number;
  /** The candidate attack, before encoding. */
  attack: string;
  /** The technique the attacker named for it. */
  technique?: string;
  /** Whether the scorer judged the candidate on the goal; off-goal ones are pruned unsent. */
  onGoal: boolean;
  /** What became of it. */
  status: RedTeamNodeStatus;
  /** The reply's score, once sent and answered. */
  score?: number;
  /** The scorer's reason. */
  reason?: string;
}

/** The red-team report of one run. */
export interface RedTeamReport {
  /** The strategy's name: `"crescendo"`, `"goat"`, `"tap"` or a custom one. */
  strategy: string;
  /** The attack goal. */
  goal: string;
  /** The goal's catalogue category, when it came from the catalogue. */
  category?: string;
  /** The seed of technique choice and branch order. */
  seed: number | string;
  /** The score at which a reply counts as the goal met. */
  successScore: number;
  /** How many replies must reach `successScore` before the run ends as a failure. */
  successConfirmations: number;
  /** The most exchanges the red team may roll back. */
  maxBacktracks: number;
  /** How many it did roll back. */
  backtracks: number;
  /** Every attack sent, in order, backtracked ones included. */
  turns: RedTeamTurn[];
  /** TAP's tree of candidates, every branch included. */
  tree?: RedTeamTreeNode[];
  /** Whether the goal was met (enough replies at `successScore`). */
  goalMet: boolean;
  /** The conversation turn where the goal was first reached, when it was. */
  goalMetAtTurn?: number;
  /** The `attempt` of the winning attack: the first one that reached `successScore`. */
  winningAttempt?: number;
  /** False when `SCENARIO_REDTEAM_REPORT=0` (or `report: false`): reporters leave the section out. */
  report: boolean;
}
