import { AgentRole, ScenarioTimeoutError } from "@scenario/spec";

/** What a run is doing at a moment, so a timeout can say where it struck. */
export interface RunActivity {
  /** The script step being run, counted from 1. */
  scriptStep?: number | undefined;
  /** The execution method that step called last ("user()", "proceed()"). */
  stepCall?: string | undefined;
  /** The agent call in flight. */
  agentCall?: { role: AgentRole; name: string; turn: number } | undefined;
  /** A phase outside the steps ("connecting the agents"). */
  phase?: string | undefined;
}

// setTimeout fires at once for delays past 2^31 - 1 ms (24.8 days); such a deadline is no deadline.
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * A run's deadline: when it passes, `signal` aborts with a `ScenarioTimeoutError` naming the step
 * the run was in, and `onExpire` receives the same error (the execution aborts its agents' signal
 * with it, so the call in flight is cancelled rather than left running).
 */
export class RunDeadline {
  /** Aborts, with the `ScenarioTimeoutError` as its reason, when the deadline passes. */
  readonly signal: AbortSignal;
  private readonly controller = new AbortController();
  private timer: ReturnType<typeof setTimeout> | undefined;
  private expired: ScenarioTimeoutError | undefined;

  /**
   * @param timeoutMs The deadline in milliseconds from `start()`; 0 (or less) means none.
   * @param scenarioName For the message.
   * @param describeActivity Says what the run is doing, read when the deadline passes.
   * @param onExpire Called once with the error when the deadline passes.
   */
  constructor(
    private readonly timeoutMs: number,
    private readonly scenarioName: string,
    private readonly describeActivity: () => string,
    private readonly onExpire: (error: ScenarioTimeoutError) => void,
  ) {
    this.signal = this.controller.signal;
  }

  /** The timeout error once the deadline has passed, else undefined. */
  get error(): ScenarioTimeoutError | undefined {
    return this.expired;
  }

  /**
   * Starts the clock (once). With `keepAlive` the timer holds the process open, so a run stuck on a
   * promise that nothing else keeps alive still ends at its deadline instead of vanishing.
   */
  start(keepAlive: boolean): void {
    if (this.timer !== undefined || this.expired || this.timeoutMs <= 0 || this.timeoutMs > MAX_TIMER_MS)
      return;
    this.timer = setTimeout(() => this.expire(), this.timeoutMs);
    if (!keepAlive) this.timer.unref?.();
  }

  /** Makes a started timer hold the process open (see `start`). */
  keepAlive(): void {
    this.timer?.ref?.();
  }

  /** Stops the clock: the run is over. */
  clear(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
  }

  private expire(): void {
    this.timer = undefined;
    const step = this.describeActivity();
    const error = new ScenarioTimeoutError(
      `Scenario "${this.scenarioName}" timed out after ${formatDuration(this.timeoutMs)} in ${step}; ` +
        "the call in flight was aborted. If it needs longer, raise `timeout` (in milliseconds) in " +
        "defineScenario() or scenario.config.ts, or pass `scenario run --timeout 10m`.",
      { timeoutMs: this.timeoutMs, step },
    );
    this.expired = error;
    this.controller.abort(error);
    this.onExpire(error);
  }
}

/**
 * Says where a run is, for a timeout message: "the judge (JudgeAgent, turn 2), in script step 3:
 * judge()", "the agent's turn 3 (WeatherAgent), in script step 1: proceed()".
 */
export function describeActivity(activity: RunActivity): string {
  const parts: string[] = [];
  const call = activity.agentCall;
  if (call) {
    const turn = call.turn + 1;
    if (call.role === AgentRole.AGENT) parts.push(`the agent's turn ${turn} (${call.name})`);
    else if (call.role === AgentRole.USER) parts.push(`the user simulator's turn ${turn} (${call.name})`);
    else parts.push(`the judge (${call.name}, turn ${turn})`);
  } else if (activity.phase) {
    parts.push(activity.phase);
  }
  if (activity.scriptStep !== undefined) {
    parts.push(`script step ${activity.scriptStep}${activity.stepCall ? `: ${activity.stepCall}` : ""}`);
  } else if (activity.stepCall) {
    parts.push(activity.stepCall);
  }
  return parts.length > 0 ? parts.join(", in ") : "the run, between steps";
}

/** "500 ms", "1.5 s", "60 s", "5 min", "1 h 30 min". */
export function formatDuration(milliseconds: number): string {
  if (milliseconds < 1000) return `${milliseconds} ms`;
  if (milliseconds < 120_000) return `${Number((milliseconds / 1000).toFixed(1))} s`;
  const minutes = milliseconds / 60_000;
  if (minutes < 120) return `${Number(minutes.toFixed(1))} min`;
  const hours = Math.floor(minutes / 60);
  const rest = Math.round(minutes - hours * 60);
  return rest === 0 ? `${hours} h` : `${hours} h ${rest} min`;
}
