// The HTML report renderer as it was before issue 14 (one DOM row per run, every row touched on each
// keystroke), kept only so bench/html-report.bench.mjs can show the change side by side. Not shipped.
import { createHash } from "node:crypto";
import { criteriaOf, type ReportRun } from "../../packages/events/src/collect-runs";
import { groupRepeats } from "../../packages/events/src/group-repeats";
import { RED_TEAM_STYLES, renderRedTeamTemplates } from "../../packages/events/src/render-red-team-section";
import {
  renderVoiceTemplates,
  VOICE_MEDIA_POLICY,
  VOICE_STYLES,
} from "../../packages/events/src/render-voice-section";
import { flakyScenarioIds } from "../../packages/events/src/summarize-runs";

/** Options of `renderHtmlReport()`. */
export interface RenderHtmlReportOptions {
  /** The page title. @default "Scenario report" */
  title?: string;
  /** When the report was made, in milliseconds since the epoch. @default Date.now() */
  generatedAt?: number;
}

/**
 * Renders runs as one self-contained HTML page: no network, no external files. The runs are
 * embedded as JSON and drawn by a small inline script, each run's details only when it is opened,
 * so a report of thousands of runs stays fast. Conversation content is only ever set as text, and
 * a Content-Security-Policy allows no script but the report's own.
 */
export function renderHtmlReport(runs: readonly ReportRun[], options: RenderHtmlReportOptions = {}): string {
  const title = options.title ?? "Scenario report";
  // Repeats of a scenario sit together under one heading with pass^k; each run says its number.
  const repeats = groupRepeats(runs);
  const data = {
    title,
    generatedAt: options.generatedAt ?? Date.now(),
    // Each run carries its criteria as criteriaOf() lists them, so the page needs no copy of that rule.
    runs: repeats.runs.map((run) =>
      run.results === undefined
        ? run
        : { ...run, results: { ...run.results, criteria: criteriaOf(run.results) } },
    ),
    flaky: flakyScenarioIds(runs),
    repeatGroups: repeats.groups,
  };
  const policy = [
    "default-src 'none'",
    `script-src '${sha256(CLIENT_SCRIPT)}'`,
    `style-src '${sha256(STYLES)}'`,
    "img-src 'none'",
    VOICE_MEDIA_POLICY,
    "base-uri 'none'",
    "form-action 'none'",
  ].join("; ");
  return [
    "<!doctype html>",
    '<html lang="en">',
    "<head>",
    '<meta charset="utf-8">',
    `<meta http-equiv="Content-Security-Policy" content="${policy}">`,
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${STYLES}</style>`,
    "</head>",
    "<body>",
    "<header>",
    `<h1>${escapeHtml(title)}</h1>`,
    '<p id="generated" class="muted"></p>',
    '<div id="totals" class="totals" role="group" aria-label="Totals"></div>',
    "</header>",
    '<div class="filters" role="search">',
    '<label>Status <select id="status-filter"><option value="ALL">All</option></select></label>',
    '<label>Set <select id="set-filter"><option value="ALL">All sets</option></select></label>',
    '<label>Search <input id="search" type="search" placeholder="Scenario name or id"></label>',
    '<span id="count" class="count" aria-live="polite"></span>',
    "</div>",
    '<ol id="runs" class="runs"></ol>',
    "<noscript><p>This report needs JavaScript to show the runs.</p></noscript>",
    renderRedTeamTemplates(runs),
    renderVoiceTemplates(runs),
    `<script type="application/json" id="scenario-report-data">${embedJson(data)}</script>`,
    `<script>${CLIENT_SCRIPT}</script>`,
    "</body>",
    "</html>",
    "",
  ].join("\n");
}

function sha256(text: string): string {
  return `sha256-${createHash("sha256").update(text, "utf8").digest("base64")}`;
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

// Inside <script> only `</script` and `<!--` could end or confuse the element; escaping every `<`,
// `>` and `&` as JSON unicode escapes rules both out, and the line separators keep old parsers happy.
function embedJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, "\\u003c")
    .replace(/>/g, "\\u003e")
    .replace(/&/g, "\\u0026")
    .replace(/\u2028/g, "\\u2028")
    .replace(/\u2029/g, "\\u2029");
}

const STYLES = `
:root { color-scheme: light dark; --fg: #1c1e21; --bg: #fafafa; --card: #fff; --muted: #667085; --line: #e4e7ec;
  --pass: #12805c; --fail: #c62828; --error: #b54708; --cancel: #6941c6; --incomplete: #475467; }
@media (prefers-color-scheme: dark) { :root { --fg: #e6e6e6; --bg: #111418; --card: #1a1f26; --muted: #98a2b3; --line: #2c333d; } }
* { box-sizing: border-box; }
body { margin: 0; padding: 24px; font: 14px/1.5 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--fg); background: var(--bg); }
h1 { margin: 0 0 4px; font-size: 22px; }
.muted { color: var(--muted); }
.totals { display: flex; flex-wrap: wrap; gap: 8px; margin: 12px 0; }
.totals button { border: 1px solid var(--line); background: var(--card); color: var(--fg); border-radius: 8px; padding: 6px 12px; cursor: pointer; font: inherit; }
.totals button strong { font-size: 18px; margin-right: 6px; }
.filters { display: flex; flex-wrap: wrap; gap: 12px; align-items: center; margin: 12px 0; position: sticky; top: 0; background: var(--bg); padding: 8px 0; z-index: 1; }
.filters select, .filters input { font: inherit; padding: 4px 6px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); }
.count { color: var(--muted); margin-left: auto; }
.runs { list-style: none; margin: 0; padding: 0; }
.run { background: var(--card); border: 1px solid var(--line); border-left: 4px solid var(--incomplete); border-radius: 6px; margin: 6px 0; }
.run.status-success { border-left-color: var(--pass); } .run.status-failed { border-left-color: var(--fail); }
.run.status-error { border-left-color: var(--error); } .run.status-cancelled { border-left-color: var(--cancel); }
.run > details > summary { display: flex; gap: 10px; align-items: baseline; padding: 8px 12px; cursor: pointer; flex-wrap: wrap; }
.badge { font-size: 12px; font-weight: 600; border-radius: 999px; padding: 1px 8px; color: #fff; background: var(--incomplete); }
.badge.status-success, .badge.verdict-met { background: var(--pass); } .badge.status-failed, .badge.verdict-unmet { background: var(--fail); }
.badge.status-error { background: var(--error); } .badge.status-cancelled, .badge.verdict-inconclusive { background: var(--cancel); }
.name { font-weight: 600; } .set, .facts { color: var(--muted); font-size: 13px; }
.detail { padding: 4px 16px 16px; border-top: 1px solid var(--line); }
.detail h3 { font-size: 14px; margin: 16px 0 6px; }
.facts-table { border-collapse: collapse; } .facts-table th { text-align: left; color: var(--muted); font-weight: 500; padding: 2px 16px 2px 0; vertical-align: top; }
.criteria { list-style: none; padding: 0; margin: 0; } .criteria li { margin: 6px 0; } .criteria .reasoning { color: var(--muted); margin: 2px 0 0 4px; }
.message { border: 1px solid var(--line); border-radius: 8px; padding: 8px 10px; margin: 6px 0; max-width: 900px; }
.message.role-user { background: rgba(59,130,246,.08); } .message.role-assistant { background: rgba(16,185,129,.08); }
.message.role-tool, .message.role-tool-call { background: rgba(148,163,184,.12); } .message.role-system { background: rgba(234,179,8,.1); }
.role { font-size: 12px; font-weight: 600; color: var(--muted); }
.content { white-space: pre-wrap; overflow-wrap: anywhere; margin: 2px 0 0; }
pre.content { font: 12px/1.45 ui-monospace, SFMono-Regular, Menlo, monospace; }
.error-text { color: var(--fail); white-space: pre-wrap; }
.repeat-group { margin: 14px 0 2px; padding: 4px 2px; font-weight: 600; }
.repeat-group .pass-k { margin-left: 8px; font-weight: 500; }
.run.repeat { margin-left: 16px; }
${RED_TEAM_STYLES}${VOICE_STYLES}`;

// Plain ES2017 without template literals. Every piece of run data goes through textContent; the page
// never parses run data as HTML.
const CLIENT_SCRIPT = `
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("scenario-report-data").textContent);
  var runs = data.runs;
  var LABELS = { SUCCESS: "Passed", FAILED: "Failed", ERROR: "Error", CANCELLED: "Cancelled", INCOMPLETE: "Incomplete" };
  var ORDER = ["SUCCESS", "FAILED", "ERROR", "CANCELLED", "INCOMPLETE"];

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }
  function statusClass(status) { return "status-" + String(status).toLowerCase().replace(/[^a-z]/g, ""); }
  function formatMs(ms) {
    if (typeof ms !== "number") return "";
    if (ms < 1000) return Math.round(ms) + " ms";
    if (ms < 60000) return (ms / 1000).toFixed(1) + " s";
    return Math.floor(ms / 60000) + " min " + Math.round((ms % 60000) / 1000) + " s";
  }
  function formatCount(count) { return typeof count === "number" ? count.toLocaleString() : ""; }
  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; }
  }

  document.getElementById("generated").textContent =
    runs.length + " runs · generated " + new Date(data.generatedAt).toLocaleString();

  var counts = {};
  var sets = [];
  runs.forEach(function (run) {
    counts[run.status] = (counts[run.status] || 0) + 1;
    if (sets.indexOf(run.scenarioSetId) < 0) sets.push(run.scenarioSetId);
  });

  var statusFilter = document.getElementById("status-filter");
  var setFilter = document.getElementById("set-filter");
  var search = document.getElementById("search");
  var countLabel = document.getElementById("count");
  var totals = document.getElementById("totals");

  ORDER.forEach(function (status) {
    if (!counts[status]) return;
    var option = el("option", "", LABELS[status] + " (" + counts[status] + ")");
    option.value = status;
    statusFilter.appendChild(option);
    var button = el("button", statusClass(status));
    button.type = "button";
    button.dataset.status = status;
    button.appendChild(el("strong", "", counts[status]));
    button.appendChild(document.createTextNode(LABELS[status]));
    button.addEventListener("click", function () {
      statusFilter.value = statusFilter.value === status ? "ALL" : status;
      applyFilters();
    });
    totals.appendChild(button);
  });
  if (data.flaky.length > 0) {
    totals.appendChild(el("span", "muted", "Flaky: " + data.flaky.join(", ")));
  }
  sets.sort().forEach(function (set) {
    var option = el("option", "", set);
    option.value = set;
    setFilter.appendChild(option);
  });

  function renderFacts(run) {
    var table = el("table", "facts-table");
    function row(label, value) {
      if (value === undefined || value === null || value === "") return;
      var tr = el("tr");
      tr.appendChild(el("th", "", label));
      tr.appendChild(el("td", "", value));
      table.appendChild(tr);
    }
    row("Scenario", run.scenarioId);
    row("Set", run.scenarioSetId);
    row("Run", run.scenarioRunId);
    row("Batch", run.batchRunId);
    if (run.startedAt) row("Started", new Date(run.startedAt).toLocaleString());
    row("Duration", formatMs(run.totalTimeMs));
    row("Agent time", formatMs(run.agentTimeMs));
    if (run.turns !== undefined) row("Turns", run.turns);
    if (run.usage) {
      row("Tokens", formatCount(run.usage.totalTokens) + " (input " + formatCount(run.usage.inputTokens) +
        ", output " + formatCount(run.usage.outputTokens) + ")");
      var byRole = run.usage.byRole || {};
      Object.keys(byRole).forEach(function (role) {
        var usage = byRole[role];
        if (usage) row(role + " tokens", formatCount(usage.totalTokens));
      });
    }
    return table;
  }

  function renderCriteria(run) {
    var results = run.results;
    if (!results) return null;
    var criteria = results.criteria || [];
    if (!criteria.length) return null;
    var list = el("ul", "criteria");
    criteria.forEach(function (criterion) {
      var item = el("li", "criterion");
      item.appendChild(el("span", "badge verdict-" + String(criterion.verdict).replace(/[^a-z]/g, ""), criterion.verdict));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "criterion-text", criterion.criterion));
      if (criterion.reasoning) item.appendChild(el("div", "reasoning", criterion.reasoning));
      list.appendChild(item);
    });
    return list;
  }

  function renderMessage(role, className, label, text, preformatted) {
    var box = el("div", "message " + className);
    box.dataset.role = role;
    box.appendChild(el("div", "role", label));
    box.appendChild(el(preformatted ? "pre" : "div", "content", text));
    return box;
  }

  function renderTranscript(run) {
    var container = el("div", "transcript");
    var toolNames = {};
    run.messages.forEach(function (message) {
      if (message.role === "user") container.appendChild(renderMessage("user", "role-user", "User", message.content));
      else if (message.role === "system") container.appendChild(renderMessage("system", "role-system", "System", message.content));
      else if (message.role === "assistant") {
        if (message.content) container.appendChild(renderMessage("assistant", "role-assistant", "Agent", message.content));
        (message.toolCalls || []).forEach(function (call) {
          toolNames[call.id] = call.function.name;
          container.appendChild(renderMessage("tool-call", "role-tool-call", "Tool call · " + call.function.name,
            pretty(call.function.arguments), true));
        });
      } else if (message.role === "tool") {
        container.appendChild(renderMessage("tool", "role-tool", "Tool result · " + (toolNames[message.toolCallId] || message.toolCallId),
          pretty(message.content), true));
      }
    });
    if (!run.messages.length) container.appendChild(el("p", "muted", "No messages were recorded."));
    return container;
  }

  function renderRun(run) {
    var detail = el("div", "detail");
    if (run.description) detail.appendChild(el("p", "description", run.description));
    var results = run.results;
    if (results) {
      detail.appendChild(el("h3", "", "Verdict: " + results.verdict));
      if (results.reasoning) detail.appendChild(el("p", "verdict-reasoning", results.reasoning));
      if (results.error) detail.appendChild(el("p", "error-text", "Error: " + results.error));
    } else {
      detail.appendChild(el("p", "muted", "The run did not finish: no verdict was recorded."));
    }
    var criteria = renderCriteria(run);
    if (criteria) { detail.appendChild(el("h3", "", "Criteria")); detail.appendChild(criteria); }
    // Built and escaped on the server (render-red-team-section.ts); cloned, never parsed from run data.
    var redTeam = document.getElementById("red-team-" + run.scenarioRunId);
    if (redTeam) detail.appendChild(redTeam.content.cloneNode(true));
    // Built and escaped on the server too (render-voice-section.ts).
    var voice = document.getElementById("voice-" + run.scenarioRunId);
    if (voice) detail.appendChild(voice.content.cloneNode(true));
    detail.appendChild(el("h3", "", "Conversation"));
    detail.appendChild(renderTranscript(run));
    detail.appendChild(el("h3", "", "Timings and usage"));
    detail.appendChild(renderFacts(run));
    if (run.metadata) {
      detail.appendChild(el("h3", "", "Metadata"));
      detail.appendChild(el("pre", "content", JSON.stringify(run.metadata, null, 2)));
    }
    return detail;
  }

  var list = document.getElementById("runs");
  var haystacks = [];
  var MAX_OPEN_FAILURES = 50;
  var openedFailures = 0;
  var rows = runs.map(function (run) {
    var item = el("li", "run " + statusClass(run.status));
    item.dataset.status = run.status;
    item.dataset.runId = run.scenarioRunId;
    var details = el("details");
    var summary = el("summary");
    summary.appendChild(el("span", "badge " + statusClass(run.status), LABELS[run.status] || run.status));
    summary.appendChild(el("span", "name", run.name));
    summary.appendChild(el("span", "set", run.scenarioSetId));
    var facts = [];
    if (run.turns !== undefined) facts.push(run.turns + (run.turns === 1 ? " turn" : " turns"));
    if (typeof run.totalTimeMs === "number") facts.push(formatMs(run.totalTimeMs));
    if (run.usage && run.usage.totalTokens) facts.push(formatCount(run.usage.totalTokens) + " tokens");
    if (run.repeat) {
      item.className += " repeat";
      facts.unshift("run " + run.repeat.number + " of " + run.repeat.of);
    }
    summary.appendChild(el("span", "facts", facts.join(" · ")));
    details.appendChild(summary);
    details.addEventListener("toggle", function () {
      if (details.open && !details.dataset.rendered) {
        details.dataset.rendered = "true";
        details.appendChild(renderRun(run));
      }
    });
    item.appendChild(details);
    // Failures open by default (their details drawn at once), up to a bound that keeps a big report fast.
    if ((run.status === "FAILED" || run.status === "ERROR") && openedFailures < MAX_OPEN_FAILURES) {
      openedFailures += 1;
      details.open = true;
      details.dataset.rendered = "true";
      details.appendChild(renderRun(run));
    }
    haystacks.push((run.name + " " + run.scenarioId + " " + run.scenarioSetId).toLowerCase());
    return item;
  });
  var fragment = document.createDocumentFragment();
  var groupHeads = [];
  var groupsById = Object.create(null);
  (data.repeatGroups || []).forEach(function (group) { groupsById[group.scenarioId] = group; });
  rows.forEach(function (row, index) {
    var run = runs[index];
    var group = groupsById[run.scenarioId];
    if (group && run.repeat && run.repeat.number === 1) {
      var head = el("li", "repeat-group");
      head.dataset.scenarioId = run.scenarioId;
      head.appendChild(el("span", "name", group.name));
      var allPassed = group.passed === group.runs;
      head.appendChild(el("span", "pass-k badge " + (allPassed ? "status-success" : "status-failed"),
        "pass^" + group.runs + " " + (allPassed ? "✓" : "✗") + " · " + group.passed + "/" + group.runs + " passed"));
      groupHeads.push(head);
      fragment.appendChild(head);
    }
    fragment.appendChild(row);
  });
  list.appendChild(fragment);

  function applyFilters() {
    var status = statusFilter.value;
    var set = setFilter.value;
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    rows.forEach(function (row, index) {
      var run = runs[index];
      var visible = (status === "ALL" || run.status === status) && (set === "ALL" || run.scenarioSetId === set) &&
        (!query || haystacks[index].indexOf(query) >= 0);
      row.hidden = !visible;
      if (visible) shown += 1;
    });
    groupHeads.forEach(function (head) {
      head.hidden = !rows.some(function (row, index) {
        return !row.hidden && runs[index].scenarioId === head.dataset.scenarioId;
      });
    });
    countLabel.textContent = "Showing " + shown + " of " + runs.length + " runs";
  }
  statusFilter.addEventListener("change", applyFilters);
  setFilter.addEventListener("change", applyFilters);
  search.addEventListener("input", applyFilters);
  applyFilters();
})();
`;
