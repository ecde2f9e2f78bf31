import type { ReportRun } from "./collect-runs";

// The red-team report as @scenario/red-team writes it to `artifacts.redTeam`. Events depends on
// spec only, so the shape is restated here and every field is checked before use.
interface RedTeamTurnView {
  attempt: number;
  turn: number;
  attack: string;
  sent: string;
  encodings: string[];
  technique?: string;
  phase?: string;
  reply?: string;
  score?: number;
  reason?: string;
  refused?: boolean;
  backtracked: boolean;
}

interface RedTeamNodeView {
  id: string;
  parentId?: string;
  depth: number;
  attack: string;
  technique?: string;
  status: string;
  score?: number;
  reason?: string;
}

interface RedTeamView {
  strategy: string;
  goal: string;
  successScore: number;
  maxBacktracks: number;
  backtracks: number;
  turns: RedTeamTurnView[];
  tree?: RedTeamNodeView[];
  goalMet: boolean;
  goalMetAtTurn?: number;
  winningAttempt?: number;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/**
 * The red-team report among a run's artifacts, when there is one that reporters should show:
 * undefined without one, when it is malformed, or when it was switched off
 * (`SCENARIO_REDTEAM_REPORT=0` sets its `report` to false).
 */
export function redTeamReportOf(artifacts: Record<string, unknown> | undefined): RedTeamView | undefined {
  const report = artifacts?.redTeam;
  if (!isRecord(report) || report.report === false) return undefined;
  if (
    typeof report.strategy !== "string" ||
    typeof report.goal !== "string" ||
    !Array.isArray(report.turns)
  ) {
    return undefined;
  }
  const turns = report.turns.filter(
    (turn): turn is RedTeamTurnView =>
      isRecord(turn) && typeof turn.attempt === "number" && typeof turn.attack === "string",
  );
  const tree = Array.isArray(report.tree)
    ? report.tree.filter(
        (node): node is RedTeamNodeView =>
          isRecord(node) && typeof node.id === "string" && typeof node.attack === "string",
      )
    : undefined;
  return {
    strategy: report.strategy,
    goal: report.goal,
    successScore: typeof report.successScore === "number" ? report.successScore : 9,
    maxBacktracks: typeof report.maxBacktracks === "number" ? report.maxBacktracks : 0,
    backtracks: typeof report.backtracks === "number" ? report.backtracks : 0,
    turns,
    ...(tree ? { tree } : {}),
    goalMet: report.goalMet === true,
    ...(typeof report.goalMetAtTurn === "number" ? { goalMetAtTurn: report.goalMetAtTurn } : {}),
    ...(typeof report.winningAttempt === "number" ? { winningAttempt: report.winningAttempt } : {}),
  };
}

/**
 * The score path for the console: `Red team (crescendo): 2 → 5 → ↩0 → 9 · goal met at turn 3`,
 * a backtracked exchange marked `↩`. Undefined when the run has no red-team report to show.
 */
export function formatRedTeamScorePath(artifacts: Record<string, unknown> | undefined): string | undefined {
  const report = redTeamReportOf(artifacts);
  if (report === undefined) return undefined;
  const steps = report.turns.map((turn) => {
    const score = turn.score === undefined ? "–" : String(turn.score);
    return turn.backtracked ? `↩${score}` : score;
  });
  const outcome =
    report.goalMetAtTurn !== undefined
      ? `goal met at turn ${report.goalMetAtTurn}`
      : `goal not met, best ${Math.max(0, ...report.turns.map((turn) => (turn.backtracked ? 0 : (turn.score ?? 0))))}/10`;
  const backtracks = report.backtracks > 0 ? ` · ${report.backtracks} backtracked` : "";
  return `Red team (${report.strategy}): ${steps.join(" → ") || "no attacks"} · ${outcome}${backtracks}`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const CHART = { width: 560, height: 200, left: 36, right: 12, top: 12, bottom: 28 };

function scoreChart(report: RedTeamView): string {
  const plotWidth = CHART.width - CHART.left - CHART.right;
  const plotHeight = CHART.height - CHART.top - CHART.bottom;
  const count = Math.max(1, report.turns.length);
  const x = (index: number) => CHART.left + (count === 1 ? plotWidth / 2 : (index * plotWidth) / (count - 1));
  const y = (score: number) => CHART.top + plotHeight - (Math.min(10, Math.max(0, score)) / 10) * plotHeight;
  const parts: string[] = [];
  for (const tick of [0, 5, 10]) {
    parts.push(
      `<line class="rt-grid" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(tick)}" y2="${y(tick)}"></line>`,
      `<text class="rt-axis" x="${CHART.left - 6}" y="${y(tick) + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  parts.push(
    `<line class="rt-threshold" x1="${CHART.left}" x2="${CHART.width - CHART.right}" y1="${y(report.successScore)}" y2="${y(report.successScore)}"><title>Goal met at ${report.successScore}</title></line>`,
  );
  const kept = report.turns
    .map((turn, index) => ({ turn, index }))
    .filter(({ turn }) => !turn.backtracked && turn.score !== undefined);
  if (kept.length > 1) {
    const points = kept.map(({ turn, index }) => `${x(index)},${y(turn.score as number)}`).join(" ");
    parts.push(`<polyline class="rt-path" points="${points}"></polyline>`);
  }
  report.turns.forEach((turn, index) => {
    parts.push(
      `<text class="rt-axis" x="${x(index)}" y="${CHART.height - 8}" text-anchor="middle">${turn.attempt}</text>`,
    );
    if (turn.score === undefined) return;
    const kind = turn.backtracked
      ? "backtracked"
      : turn.attempt === report.winningAttempt
        ? "winning"
        : "kept";
    const label = `Attempt ${turn.attempt} · turn ${turn.turn} · score ${turn.score}${turn.backtracked ? " · backtracked" : ""}`;
    parts.push(
      `<circle class="rt-point rt-${kind}" data-attempt="${turn.attempt}" cx="${x(index)}" cy="${y(turn.score)}" r="5"><title>${escapeHtml(label)}</title></circle>`,
    );
  });
  return (
    `<svg class="red-team-chart" role="img" aria-label="Score per attack attempt" viewBox="0 0 ${CHART.width} ${CHART.height}" ` +
    `width="${CHART.width}" height="${CHART.height}">${parts.join("")}</svg>`
  );
}

function turnList(report: RedTeamView): string {
  const items = report.turns.map((turn) => {
    const classes = ["red-team-turn"];
    if (turn.backtracked) classes.push("backtracked");
    if (turn.attempt === report.winningAttempt) classes.push("winning");
    const facts = [`attempt ${turn.attempt}`, `turn ${turn.turn}`];
    if (turn.score !== undefined) facts.push(`score ${turn.score}/10`);
    if (turn.phase) facts.push(turn.phase);
    if (turn.technique) facts.push(turn.technique);
    if (turn.encodings.length > 0) facts.push(`encoded: ${turn.encodings.join(" + ")}`);
    if (turn.backtracked) facts.push("backtracked");
    if (turn.attempt === report.winningAttempt) facts.push("winning attack");
    const lines = [
      `<div class="rt-facts">${escapeHtml(facts.join(" · "))}</div>`,
      `<div class="rt-attack"><span class="role">Attack</span> ${escapeHtml(turn.attack)}</div>`,
    ];
    if (turn.sent !== turn.attack) {
      lines.push(`<pre class="content rt-sent">${escapeHtml(turn.sent)}</pre>`);
    }
    if (turn.reply !== undefined) {
      lines.push(`<div class="rt-reply"><span class="role">Agent</span> ${escapeHtml(turn.reply)}</div>`);
    }
    if (turn.reason) lines.push(`<div class="rt-reason muted">${escapeHtml(turn.reason)}</div>`);
    return `<li class="${classes.join(" ")}" data-attempt="${turn.attempt}">${lines.join("")}</li>`;
  });
  return `<ol class="red-team-turns">${items.join("")}</ol>`;
}

function treeList(nodes: readonly RedTeamNodeView[], parentId: string | undefined): string {
  const children = nodes.filter((node) => node.parentId === parentId);
  if (children.length === 0) return "";
  const items = children.map((node) => {
    const facts = [node.id, node.status];
    if (node.score !== undefined) facts.push(`${node.score}/10`);
    if (node.technique) facts.push(node.technique);
    return (
      `<li class="rt-node rt-node-${escapeHtml(node.status.replace(/[^a-z-]/g, ""))}" data-node="${escapeHtml(node.id)}">` +
      `<span class="rt-facts">${escapeHtml(facts.join(" · "))}</span> ${escapeHtml(node.attack)}` +
      `${treeList(nodes, node.id)}</li>`
    );
  });
  return `<ul class="red-team-tree">${items.join("")}</ul>`;
}

/** One run's red-team section: the score chart, every attack (backtracked ones greyed) and TAP's tree. */
export function renderRedTeamSection(artifacts: Record<string, unknown> | undefined): string | undefined {
  const report = redTeamReportOf(artifacts);
  if (report === undefined) return undefined;
  const outcome =
    report.goalMetAtTurn !== undefined ? `Goal met at turn ${report.goalMetAtTurn}.` : "Goal not met.";
  const parts = [
    `<h3>Red team · ${escapeHtml(report.strategy)}</h3>`,
    `<p class="rt-goal">Goal: ${escapeHtml(report.goal)}. ${escapeHtml(outcome)} ` +
      `${report.backtracks} of ${report.maxBacktracks} backtracks used.</p>`,
    scoreChart(report),
    turnList(report),
  ];
  if (report.tree && report.tree.length > 0) {
    parts.push(`<h3>Attack tree</h3>`, treeList(report.tree, undefined));
  }
  return `<section class="red-team" data-red-team="${escapeHtml(report.strategy)}">${parts.join("")}</section>`;
}

/**
 * The red-team sections of every run as inert `<template id="red-team-<run id>">` elements: the
 * report's script clones one into a run's details when it is opened, so the markup is built and
 * escaped here and the page never parses run data as HTML.
 */
export function renderRedTeamTemplates(runs: readonly ReportRun[]): string {
  return runs
    .map((run) => {
      const section = renderRedTeamSection(run.artifacts);
      return section === undefined
        ? ""
        : `<template id="red-team-${escapeHtml(run.scenarioRunId)}">${section}</template>`;
    })
    .filter((template) => template !== "")
    .join("\n");
}

/** The red-team section's styles, appended to the report's own. */
export const RED_TEAM_STYLES = `
.red-team-chart { display: block; max-width: 100%; height: auto; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.rt-grid { stroke: var(--line); stroke-width: 1; } .rt-axis { fill: var(--muted); font-size: 11px; }
.rt-threshold { stroke: var(--fail); stroke-width: 1; stroke-dasharray: 4 4; }
.rt-path { fill: none; stroke: #2563eb; stroke-width: 2; }
.rt-point { stroke: var(--card); stroke-width: 2; } .rt-kept { fill: #2563eb; } .rt-backtracked { fill: #98a2b3; } .rt-winning { fill: var(--fail); }
.red-team-turns { padding-left: 20px; } .red-team-turn { margin: 6px 0; padding: 6px 8px; border: 1px solid var(--line); border-radius: 6px; }
.red-team-turn.backtracked { opacity: .5; background: rgba(148,163,184,.15); } .red-team-turn.winning { border: 2px solid var(--fail); }
.rt-facts { font-size: 12px; color: var(--muted); } .rt-reason { font-size: 12px; }
.red-team-tree { list-style: none; padding-left: 16px; border-left: 1px solid var(--line); margin: 4px 0; }
.rt-node { margin: 4px 0; } .rt-node-off-goal, .rt-node-unexplored, .rt-node-low-score, .rt-node-refused { opacity: .55; }
.rt-node-kept > .rt-facts { color: var(--pass); font-weight: 600; }
`;
