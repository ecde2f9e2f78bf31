import {
  type AgentRole,
  SCENARIO_SPAN_ATTRIBUTES as ATTR,
  getScenarioInstrumentation,
  type ScenarioInstrumentation,
  type ScenarioResult,
  type ScenarioSpan,
  type TokenUsage,
} from "@scenario/spec";

/** What a run's spans say about it. */
export interface RunTracingIdentity {
  runId: string;
  batchId: string;
  scenarioId: string;
  scenarioName: string;
  setId: string;
  threadId: string;
}

/** One agent call's span and the tokens recorded during it. */
export interface TracedAgentCall {
  /** Adds a model call's tokens to the span's totals. */
  recordUsage(usage: TokenUsage): void;
  /** Runs the call inside the span's context, ends the span (recording a failure) and returns the result. */
  run<T>(call: () => Promise<T>): Promise<T>;
}

/**
 * A run's spans through the registered `ScenarioInstrumentation` (run → turn → agent call). Core
 * knows no OpenTelemetry: it only calls the contract. `forRun()` returns undefined when no
 * instrumentation is registered, so an untraced run pays one global lookup and nothing else.
 */
export class RunTracing {
  private readonly runSpan: ScenarioSpan;
  private turnSpan: { turn: number; span: ScenarioSpan } | undefined;

  private constructor(
    private readonly instrumentation: ScenarioInstrumentation,
    private readonly identity: RunTracingIdentity,
  ) {
    this.runSpan = instrumentation.startSpan("run", `scenario.run ${identity.scenarioName}`, {
      [ATTR.kind]: "run",
      [ATTR.scenarioId]: identity.scenarioId,
      [ATTR.scenarioName]: identity.scenarioName,
      [ATTR.setId]: identity.setId,
      [ATTR.runId]: identity.runId,
      [ATTR.batchId]: identity.batchId,
      [ATTR.threadId]: identity.threadId,
    });
  }

  /** Opens the run's span when an instrumentation is registered; undefined otherwise. */
  static forRun(identity: RunTracingIdentity): RunTracing | undefined {
    const instrumentation = getScenarioInstrumentation();
    if (!instrumentation) return undefined;
    try {
      return new RunTracing(instrumentation, identity);
    } catch (error) {
      console.warn(
        "[scenario] The instrumentation failed to open the run's span; the run is not traced.",
        error,
      );
      return undefined;
    }
  }

  /**
   * Opens an agent call's span under the turn's span (opening that turn's span if needed);
   * undefined, with a warning, when the instrumentation fails: the call then runs untraced.
   */
  agentCall(role: AgentRole, agentName: string, turn: number): TracedAgentCall | undefined {
    try {
      return this.openAgentCall(role, agentName, turn);
    } catch (error) {
      console.warn(
        "[scenario] The instrumentation failed to open an agent call's span; the call runs untraced.",
        error,
      );
      return undefined;
    }
  }

  private openAgentCall(role: AgentRole, agentName: string, turn: number): TracedAgentCall {
    const parent = this.spanOfTurn(turn);
    const span = this.instrumentation.startSpan(
      "agent-call",
      `scenario.agent-call ${role}`,
      {
        [ATTR.kind]: "agent-call",
        [ATTR.role]: role,
        [ATTR.agentName]: agentName,
        [ATTR.turn]: turn,
        [ATTR.runId]: this.identity.runId,
        [ATTR.threadId]: this.identity.threadId,
      },
      parent,
    );
    let inputTokens = 0;
    let outputTokens = 0;
    let recorded = false;
    return {
      recordUsage: (usage) => {
        if (usage === null || typeof usage !== "object") return;
        recorded = true;
        inputTokens += finite(usage.inputTokens);
        outputTokens += finite(usage.outputTokens);
      },
      run: async (call) => {
        try {
          return await span.run(call);
        } catch (error) {
          span.recordError(error);
          throw error;
        } finally {
          if (recorded) {
            span.setAttributes({ [ATTR.inputTokens]: inputTokens, [ATTR.outputTokens]: outputTokens });
          }
          span.end();
        }
      },
    };
  }

  /** Ends the turn's and the run's spans with the result's status, verdict, tokens, cost and error. */
  end(result: ScenarioResult): void {
    this.turnSpan?.span.end();
    this.turnSpan = undefined;
    const usage = result.usage;
    this.runSpan.setAttributes({
      [ATTR.status]: result.status,
      [ATTR.verdict]: result.status === "CANCELLED" ? "inconclusive" : result.success ? "success" : "failure",
      [ATTR.inputTokens]: usage?.inputTokens,
      [ATTR.outputTokens]: usage?.outputTokens,
      [ATTR.costUsd]: usage?.costUsd,
      [ATTR.error]: result.error,
    });
    if (result.status === "ERROR")
      this.runSpan.recordError(new Error(result.error ?? "The run ended with an error."));
    this.runSpan.end();
  }

  private spanOfTurn(turn: number): ScenarioSpan {
    if (this.turnSpan?.turn === turn) return this.turnSpan.span;
    this.turnSpan?.span.end();
    const span = this.instrumentation.startSpan(
      "turn",
      `scenario.turn ${turn}`,
      { [ATTR.kind]: "turn", [ATTR.turn]: turn, [ATTR.runId]: this.identity.runId },
      this.runSpan,
    );
    this.turnSpan = { turn, span };
    return span;
  }
}

function finite(value: number | undefined): number {
  return typeof value === "number" && Number.isFinite(value) ? value : 0;
}
