import type {
  ScenarioMessageSnapshotEvent,
  ScenarioReporter,
  ScenarioRunFinishedEvent,
  ScenarioRunStartedEvent,
  SnapshotMessage,
  SuiteSummary,
} from "@scenario/spec";
import picocolors from "picocolors";
import { criteriaOf, formatTranscript } from "./collect-runs";
import type { OutputStream } from "./output-stream";
import { formatRedTeamScorePath } from "./render-red-team-section";
import { formatCost, sumSuiteCost, USAGE_ROLES } from "./sum-suite-cost";

/** Options of `consoleReporter()`. */
export interface ConsoleReporterOptions {
  /** Where to write. @default process.stdout */
  stream?: OutputStream;
  /**
   * Keep updating lines for the runs in progress (status, turn, elapsed time).
   * @default true when `stream` is a terminal and the `CI` environment variable is unset
   */
  live?: boolean;
  /** Colour the output. @default true when `stream` is a terminal and `NO_COLOR` is unset */
  colors?: boolean;
  /**
   * Which runs get their conversation printed under the verdict.
   * @default "failures" (failed and errored runs)
   */
  transcripts?: "failures" | "all" | "none";
  /**
   * The longest a transcript message may be before it is cut (with `…`), in characters.
   * @default 2000
   */
  maxMessageLength?: number;
  /** The environment read for `CI` and `NO_COLOR`. @default process.env */
  env?: Record<string, string | undefined>;
  /** The clock for elapsed times, in milliseconds. @default Date.now */
  now?: () => number;
  /**
   * How often the live view refreshes elapsed times, in milliseconds; also the least time between
   * two redraws, however many events arrive (verdicts finished meanwhile are printed together at
   * the next redraw, and at once when the last run ends).
   * @default 250
   */
  refreshIntervalMs?: number;
}

interface ActiveRun {
  name: string;
  setId: string;
  startedAt: number;
  turn?: number;
  messages: SnapshotMessage[];
}

type LiveView = ((...text: string[]) => void) & {
  clear(): void;
  done(): void;
  persist(...text: string[]): void;
};

type Colors = ReturnType<typeof picocolors.createColors>;

const SPINNER_FRAMES = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
const INDENT = "    ";

/**
 * The console reporter: a live view of the runs in progress (or plain append-only lines when not
 * on a terminal or in CI), a verdict per run with its criteria, the transcript of failures, and a
 * suite summary.
 */
export function consoleReporter(options: ConsoleReporterOptions = {}): ScenarioReporter {
  const stream = options.stream ?? process.stdout;
  const env = options.env ?? process.env;
  const isTerminal = stream.isTTY === true;
  const live = options.live ?? (isTerminal && !env.CI);
  const colors = picocolors.createColors(options.colors ?? (isTerminal && !env.NO_COLOR));
  const transcripts = options.transcripts ?? "failures";
  const maxMessageLength = options.maxMessageLength ?? 2000;
  const now = options.now ?? Date.now;
  const refreshIntervalMs = options.refreshIntervalMs ?? 250;

  const activeRuns = new Map<string, ActiveRun>();
  let liveView: LiveView | undefined;
  let liveViewLoading: Promise<void> | undefined;
  let refreshTimer: ReturnType<typeof setInterval> | undefined;
  let frame = 0;
  // Redrawing the whole live block on every event cost a terminal write per message of every run
  // at scale: lines to keep wait here and go out with the next redraw, at most one per interval.
  let pendingLines: string[] = [];
  let lastRenderAt = Number.NEGATIVE_INFINITY;

  const write = (text: string) => {
    const output = text.endsWith("\n") ? text : `${text}\n`;
    if (liveView !== undefined) {
      pendingLines.push(output.slice(0, -1));
      requestRender();
    } else {
      stream.write(output);
    }
  };

  // Redraws now when the last redraw is old enough or no run is left (the final state is never
  // held back); otherwise the refresh timer draws the change within one interval.
  const requestRender = () => {
    if (activeRuns.size === 0 || now() - lastRenderAt >= refreshIntervalMs) renderLive();
  };

  const loadLiveView = () => {
    // log-update and its dependencies are loaded only for a terminal, never in CI logs.
    liveViewLoading ??= import("log-update").then(
      ({ createLogUpdate }) => {
        liveView = createLogUpdate(stream as NodeJS.WritableStream, { showCursor: true }) as LiveView;
        renderLive();
      },
      () => {
        // Without the live view the plain lines still tell everything.
      },
    );
    return liveViewLoading;
  };

  const renderLive = () => {
    if (liveView === undefined) return;
    lastRenderAt = now();
    if (pendingLines.length > 0) {
      liveView.persist(pendingLines.join("\n"));
      pendingLines = [];
    }
    if (activeRuns.size === 0) {
      liveView.clear();
      return;
    }
    frame = (frame + 1) % SPINNER_FRAMES.length;
    const spinner = colors.cyan(SPINNER_FRAMES[frame] ?? "-");
    const lines = [...activeRuns.values()].map((run) => {
      // Events count turns from 0; people count them from 1.
      const turn = run.turn !== undefined ? ` · turn ${run.turn + 1}` : "";
      const elapsed = formatDuration(now() - run.startedAt);
      return `${spinner} ${clean(run.name)} ${colors.dim(`(${clean(run.setId)})${turn} · ${elapsed}`)}`;
    });
    lines.push(colors.dim(`${activeRuns.size} running`));
    liveView(lines.join("\n"));
  };

  const updateRefreshTimer = () => {
    if (!live) return;
    if (activeRuns.size > 0 && refreshTimer === undefined) {
      refreshTimer = setInterval(renderLive, refreshIntervalMs);
      // The live view must never keep the process alive on its own.
      refreshTimer.unref?.();
    } else if (activeRuns.size === 0 && refreshTimer !== undefined) {
      clearInterval(refreshTimer);
      refreshTimer = undefined;
    }
  };

  const verdictBlock = (event: ScenarioRunFinishedEvent, run: ActiveRun | undefined): string => {
    const name = clean(event.name ?? run?.name ?? event.scenarioId);
    const label = statusLabel(event.status, colors);
    const details = [event.scenarioSetId];
    const turns = run?.turn === undefined ? undefined : run.turn + 1;
    if (turns !== undefined) details.push(`${turns} turn${turns === 1 ? "" : "s"}`);
    if (event.totalTimeMs !== undefined) details.push(formatDuration(event.totalTimeMs));
    if (event.usage !== undefined && event.usage.totalTokens > 0) {
      details.push(`${formatCount(event.usage.totalTokens)} tokens`, formatCost(event.usage.costUsd));
    }
    const lines = [`${label} ${colors.bold(name)} ${colors.dim(`(${details.map(clean).join(" · ")})`)}`];

    const results = event.results;
    // An errored run carries its error in the reasoning and as an unmet criterion as well: say it once.
    const error = event.status === "ERROR" ? results.error : undefined;
    if (event.status !== "SUCCESS" && results.reasoning && !(error && results.reasoning.includes(error))) {
      lines.push(indentText(clean(results.reasoning), INDENT));
    }
    if (error) {
      lines.push(indentText(colors.red(`Error: ${clean(error)}`), INDENT));
    }
    for (const criterion of criteriaOf(results)) {
      if (error && criterion.verdict === "unmet" && criterion.criterion === error) continue;
      const mark =
        criterion.verdict === "met"
          ? colors.green("✓")
          : criterion.verdict === "unmet"
            ? colors.red("✗")
            : colors.yellow("?");
      lines.push(`${INDENT}${mark} ${clean(criterion.criterion)}`);
      if (criterion.verdict !== "met" && criterion.reasoning) {
        lines.push(indentText(colors.dim(clean(criterion.reasoning)), `${INDENT}  `));
      }
    }

    const scorePath = formatRedTeamScorePath(event.artifacts);
    if (scorePath !== undefined) lines.push(`${INDENT}${colors.dim(clean(scorePath))}`);

    const failed = event.status === "FAILED" || event.status === "ERROR";
    const wantsTranscript = transcripts === "all" || (transcripts === "failures" && failed);
    const messages = run?.messages ?? [];
    if (wantsTranscript && messages.length > 0) {
      lines.push(`${INDENT}${colors.dim("Transcript:")}`);
      for (const line of formatTranscript(messages)) {
        lines.push(indentText(clean(truncate(line, maxMessageLength)), `${INDENT}  `));
      }
    }
    return lines.join("\n");
  };

  return {
    name: "console",

    onRunStart(event: ScenarioRunStartedEvent) {
      activeRuns.set(event.scenarioRunId, {
        name: event.metadata.name || event.scenarioId,
        setId: event.scenarioSetId,
        startedAt: now(),
        messages: [],
      });
      if (live) {
        void loadLiveView();
        requestRender();
        updateRefreshTimer();
      } else {
        stream.write(`${colors.dim("RUN ")}  ${clean(event.metadata.name || event.scenarioId)}\n`);
      }
    },

    onMessage(event: ScenarioMessageSnapshotEvent) {
      const run = activeRuns.get(event.scenarioRunId);
      if (run === undefined) return;
      run.messages = event.messages;
      if (event.turn !== undefined) run.turn = event.turn;
      requestRender();
    },

    onRunEnd(event: ScenarioRunFinishedEvent) {
      const run = activeRuns.get(event.scenarioRunId);
      activeRuns.delete(event.scenarioRunId);
      updateRefreshTimer();
      write(verdictBlock(event, run));
    },

    onSuiteEnd(summary: SuiteSummary) {
      const { counts } = summary;
      const parts = [
        colors.green(`${counts.passed} passed`),
        counts.failed > 0 ? colors.red(`${counts.failed} failed`) : `${counts.failed} failed`,
        counts.errored > 0 ? colors.red(`${counts.errored} errored`) : `${counts.errored} errored`,
        counts.cancelled > 0
          ? colors.yellow(`${counts.cancelled} cancelled`)
          : `${counts.cancelled} cancelled`,
      ];
      const lines = [
        "",
        `${colors.bold("Scenarios")}  ${parts.join(" · ")} ${colors.dim(`(${counts.total} total)`)}`,
      ];
      if (summary.flaky.length > 0) {
        lines.push(`${colors.bold("Flaky")}      ${colors.yellow(summary.flaky.map(clean).join(", "))}`);
      }
      lines.push(`${colors.bold("Time")}       ${formatDuration(summary.durationMs)}`);
      const usage = summary.usage;
      lines.push(
        `${colors.bold("Tokens")}     ${formatCount(usage.totalTokens)} ` +
          colors.dim(`(input ${formatCount(usage.inputTokens)} · output ${formatCount(usage.outputTokens)})`),
      );
      if (usage.totalTokens > 0) lines.push(costLine(summary, colors));
      write(lines.join("\n"));
    },

    async flush() {
      if (refreshTimer !== undefined) {
        clearInterval(refreshTimer);
        refreshTimer = undefined;
      }
      if (liveViewLoading !== undefined) await liveViewLoading;
      if (liveView !== undefined) {
        renderLive();
        if (activeRuns.size === 0) liveView.done();
      }
    },
  };
}

function statusLabel(status: ScenarioRunFinishedEvent["status"], colors: Colors): string {
  switch (status) {
    case "SUCCESS":
      return colors.green("✓ PASS ");
    case "FAILED":
      return colors.red("✗ FAIL ");
    case "ERROR":
      return colors.red("! ERROR");
    case "CANCELLED":
      return colors.yellow("⊘ CANCELLED");
  }
}

// Conversation content comes from the agent under test: a terminal escape in it must not rewrite
// the screen. Tabs and newlines stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point.
const CONTROL_CHARACTERS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f]/g;

function clean(text: string): string {
  return text.replace(CONTROL_CHARACTERS, "");
}

function indentText(text: string, indent: string): string {
  return text
    .split("\n")
    .map((line) => indent + line)
    .join("\n");
}

function truncate(text: string, maxLength: number): string {
  return text.length > maxLength ? `${text.slice(0, maxLength)}…` : text;
}

function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${Math.max(0, Math.round(milliseconds))}ms`;
  if (milliseconds < 60_000) return `${(milliseconds / 1000).toFixed(1)}s`;
  const minutes = Math.floor(milliseconds / 60_000);
  const seconds = Math.round((milliseconds % 60_000) / 1000);
  return `${minutes}m ${seconds}s`;
}

// One formatter for the process: toLocaleString() builds a new one on every call, which showed up
// in profiles of large suites.
const COUNT_FORMAT = new Intl.NumberFormat("en-US");

function formatCount(count: number): string {
  return COUNT_FORMAT.format(count);
}

/** `Cost  $0.0123 (Agent $0.0100 · User $0.00130 · Judge $0.00100)`; "cost unknown" where a price is missing. */
function costLine(summary: SuiteSummary, colors: Colors): string {
  const cost = sumSuiteCost(summary.runs);
  const roles = USAGE_ROLES.flatMap((role) => {
    const roleCost = cost.byRole[role];
    if (!roleCost) return [];
    const tokens = roleCost.costUsd === undefined ? ` (${formatCount(roleCost.totalTokens)} tokens)` : "";
    return [`${role} ${formatCost(roleCost.costUsd)}${tokens}`];
  });
  const total = cost.costUsd === undefined ? colors.yellow("cost unknown") : formatCost(cost.costUsd);
  return `${colors.bold("Cost")}       ${total} ${colors.dim(`(${roles.join(" · ")})`)}`;
}
