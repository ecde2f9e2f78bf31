import { createHash } from "node:crypto";
import { criteriaOf, type ReportRun } from "./collect-runs";
import { groupRepeats } from "./group-repeats";
import { HTML_REPORT_CLIENT_SCRIPT as CLIENT_SCRIPT } from "./html-report-client-script";
import { RED_TEAM_STYLES, renderRedTeamTemplates } from "./render-red-team-section";
import { renderVoiceTemplates, VOICE_MEDIA_POLICY, VOICE_STYLES } from "./render-voice-section";
import { suiteCostText } from "./sum-suite-cost";
import { flakyScenarioIds } from "./summarize-runs";

/** Options of `renderHtmlReport()`. */
export interface RenderHtmlReportOptions {
  /** The page title. @default "Scenario report" */
  title?: string;
  /** When the report was made, in milliseconds since the epoch. @default Date.now() */
  generatedAt?: number;
}

/**
 * Renders runs as one self-contained HTML page: no network, no external files. The runs are
 * embedded as JSON and drawn by a small inline script a page of rows at a time, each run's details
 * only when it is opened, so a report of 10,000 runs loads and filters without freezing. Conversation content is only ever set as text, and
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
    cost: suiteCostText(runs),
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
    '<div id="more" class="more" hidden></div>',
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
.run.status-skipped { border-left-style: dashed; }
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
.more { margin: 12px 0; } .more button { font: inherit; padding: 6px 12px; border: 1px solid var(--line); border-radius: 6px; background: var(--card); color: var(--fg); cursor: pointer; }
${RED_TEAM_STYLES}${VOICE_STYLES}`;
