/**
 * How many rows the HTML report draws at once: the first page after every filter change, and one
 * more page each time the reader scrolls near the end of the list (or presses "Show more").
 */
export const HTML_REPORT_PAGE_SIZE = 200;

/** How long the search box waits after the last keystroke before it filters, in milliseconds. */
export const HTML_REPORT_SEARCH_DEBOUNCE_MS = 120;

// The inline script of the HTML report. Plain ES2017 without template literals. Every piece of run
// data goes through textContent; the page never parses run data as HTML.
//
// Why it stays fast at 10,000 runs: the search text of every run is lower-cased once, into an
// index; a filter is one pass over that index (no DOM reads), and only the first page of matches
// is put into the list, so a keystroke never touches 10,000 rows. A row's element is made the
// first time it is shown and kept, so an opened run stays open when a filter hides and shows it.
/** The report's client script; the page's Content-Security-Policy allows it by its hash. */
export const HTML_REPORT_CLIENT_SCRIPT = `
(function () {
  "use strict";
  var PAGE_SIZE = ${HTML_REPORT_PAGE_SIZE};
  var SEARCH_DEBOUNCE_MS = ${HTML_REPORT_SEARCH_DEBOUNCE_MS};
  var MAX_OPEN_FAILURES = 50;
  var data = JSON.parse(document.getElementById("scenario-report-data").textContent);
  var runs = data.runs;
  var LABELS = { SUCCESS: "Passed", FAILED: "Failed", ERROR: "Error", CANCELLED: "Cancelled", SKIPPED: "Skipped",
    INCOMPLETE: "Incomplete" };
  var ORDER = ["SUCCESS", "FAILED", "ERROR", "CANCELLED", "SKIPPED", "INCOMPLETE"];

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
  // Dollars with three significant digits for small sums; "cost unknown" when a price was missing.
  function formatCost(usd) {
    if (typeof usd !== "number") return "cost unknown";
    if (usd === 0) return "$0";
    if (usd >= 1) return "$" + usd.toFixed(2);
    return "$" + usd.toFixed(Math.min(10, 2 - Math.floor(Math.log10(usd))));
  }
  function pretty(text) {
    try { return JSON.stringify(JSON.parse(text), null, 2); } catch (error) { return text; }
  }

  document.getElementById("generated").textContent =
    runs.length + " runs · generated " + new Date(data.generatedAt).toLocaleString();

  // The index, built once: per run its lower-cased search text, and whether it opens by default.
  var counts = {};
  var setSeen = Object.create(null);
  var sets = [];
  var searchText = new Array(runs.length);
  var opensByDefault = new Array(runs.length);
  var failuresSeen = 0;
  runs.forEach(function (run, index) {
    counts[run.status] = (counts[run.status] || 0) + 1;
    if (!setSeen[run.scenarioSetId]) { setSeen[run.scenarioSetId] = true; sets.push(run.scenarioSetId); }
    searchText[index] = (run.name + " " + run.scenarioId + " " + run.scenarioSetId).toLowerCase();
    // Failures open by default (their details drawn at once), up to a bound that keeps a big report fast.
    var failed = run.status === "FAILED" || run.status === "ERROR";
    opensByDefault[index] = failed && failuresSeen < MAX_OPEN_FAILURES;
    if (failed) failuresSeen += 1;
  });

  var statusFilter = document.getElementById("status-filter");
  var setFilter = document.getElementById("set-filter");
  var search = document.getElementById("search");
  var countLabel = document.getElementById("count");
  var totals = document.getElementById("totals");
  var list = document.getElementById("runs");
  var more = document.getElementById("more");

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
  if (data.cost) totals.appendChild(el("span", "muted", data.cost));
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
      row("Cost", formatCost(run.usage.costUsd));
      var byRole = run.usage.byRole || {};
      Object.keys(byRole).forEach(function (role) {
        var usage = byRole[role];
        if (usage) row(role + " tokens", formatCount(usage.totalTokens) + " · " + formatCost(usage.costUsd));
      });
    }
    return table;
  }

  function renderCriteria(run) {
    var results = run.results;
    if (!results) return null;
    var criteria = results.criteria || [];
    if (!criteria.length) return null;
    var items = el("ul", "criteria");
    criteria.forEach(function (criterion) {
      var item = el("li", "criterion");
      item.appendChild(el("span", "badge verdict-" + String(criterion.verdict).replace(/[^a-z]/g, ""), criterion.verdict));
      item.appendChild(document.createTextNode(" "));
      item.appendChild(el("span", "criterion-text", criterion.criterion));
      if (criterion.reasoning) item.appendChild(el("div", "reasoning", criterion.reasoning));
      items.appendChild(item);
    });
    return items;
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

  var rowCache = new Array(runs.length);
  function rowOf(index) {
    if (rowCache[index]) return rowCache[index];
    var run = runs[index];
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
    if (run.usage && run.usage.totalTokens) {
      facts.push(formatCount(run.usage.totalTokens) + " tokens", formatCost(run.usage.costUsd));
    }
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
    if (opensByDefault[index]) {
      details.open = true;
      details.dataset.rendered = "true";
      details.appendChild(renderRun(run));
    }
    rowCache[index] = item;
    return item;
  }

  var groupsById = Object.create(null);
  (data.repeatGroups || []).forEach(function (group) { groupsById[group.scenarioId] = group; });
  var headCache = Object.create(null);
  function headOf(scenarioId) {
    if (headCache[scenarioId]) return headCache[scenarioId];
    var group = groupsById[scenarioId];
    var head = el("li", "repeat-group");
    head.dataset.scenarioId = scenarioId;
    head.appendChild(el("span", "name", group.name));
    var allPassed = group.passed === group.runs;
    head.appendChild(el("span", "pass-k badge " + (allPassed ? "status-success" : "status-failed"),
      "pass^" + group.runs + " " + (allPassed ? "✓" : "✗") + " · " + group.passed + "/" + group.runs + " passed"));
    headCache[scenarioId] = head;
    return head;
  }

  // What the list shows, in order: a repeat group's heading before the first of its runs that matches.
  var entries = [];
  var drawn = 0;

  function drawMore() {
    var fragment = document.createDocumentFragment();
    var end = Math.min(entries.length, drawn + PAGE_SIZE);
    for (var position = drawn; position < end; position += 1) {
      var entry = entries[position];
      fragment.appendChild(typeof entry === "number" ? rowOf(entry) : headOf(entry));
    }
    list.appendChild(fragment);
    drawn = end;
    var left = entries.length - drawn;
    more.hidden = left <= 0;
    moreButton.textContent = "Show " + Math.min(left, PAGE_SIZE) + " more (" + left + " not shown)";
  }

  function applyFilters() {
    var status = statusFilter.value;
    var set = setFilter.value;
    var query = search.value.trim().toLowerCase();
    var shown = 0;
    var lastGroup = null;
    entries = [];
    for (var index = 0; index < runs.length; index += 1) {
      var run = runs[index];
      if (status !== "ALL" && run.status !== status) continue;
      if (set !== "ALL" && run.scenarioSetId !== set) continue;
      if (query && searchText[index].indexOf(query) < 0) continue;
      if (run.repeat && groupsById[run.scenarioId] && lastGroup !== run.scenarioId) entries.push(run.scenarioId);
      lastGroup = run.repeat ? run.scenarioId : null;
      entries.push(index);
      shown += 1;
    }
    list.textContent = "";
    drawn = 0;
    drawMore();
    countLabel.textContent = "Showing " + shown + " of " + runs.length + " runs";
  }

  var moreButton = el("button", "", "");
  moreButton.type = "button";
  moreButton.addEventListener("click", drawMore);
  more.appendChild(moreButton);
  // Scrolling near the end draws the next page, as if "Show more" were pressed.
  if (typeof IntersectionObserver === "function") {
    new IntersectionObserver(function (seen) {
      if (seen.some(function (entry) { return entry.isIntersecting; }) && drawn < entries.length) drawMore();
    }, { rootMargin: "800px 0px" }).observe(more);
  }

  var searchTimer;
  statusFilter.addEventListener("change", applyFilters);
  setFilter.addEventListener("change", applyFilters);
  search.addEventListener("input", function () {
    clearTimeout(searchTimer);
    searchTimer = setTimeout(applyFilters, SEARCH_DEBOUNCE_MS);
  });
  applyFilters();
})();
`;
