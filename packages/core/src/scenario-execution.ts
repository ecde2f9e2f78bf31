import { performance } from "node:perf_hooks";
import {
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  AgentRole,
  type AgentStepOptions,
  type CriterionVerdict,
  DEFAULT_MAX_TURNS,
  DEFAULT_SCENARIO_SET_ID,
  DEFAULT_SCENARIO_TIMEOUT_MS,
  type InterruptionPlan,
  isCriteriaProvider,
  isInterruptionPlanner,
  isScriptedLineSpeaker,
  type JudgeResult,
  type JudgmentRequest,
  MissingAgentError,
  type ModelMessage,
  type OnStep,
  type OnTurn,
  RunCancelledError,
  type ScenarioConfig,
  type ScenarioEvent,
  ScenarioEventType,
  type ScenarioExecutionLike,
  type ScenarioResult,
  type ScenarioRunStatus,
  ScriptError,
  type ScriptStep,
  type TokenUsage,
  type UsagePricer,
} from "@scenario/spec";
import { type Observable, ReplaySubject } from "rxjs";
import { isModelMessage, normalizeAgentReturn } from "./agent-return";
import { budgetExceededReason } from "./budget-check";
import { createDebugPrompt, type DebugPrompt, debugQuestionText } from "./debug-prompt";
import { describeValue } from "./describe-value";
import { GuardedObservable } from "./guarded-observable";
import { runHandDrivenStep } from "./hand-driven-step";
import { createEventId, createScenarioRunId, createThreadId, getBatchRunId, scenarioIdOf } from "./ids";
import { withReportableArtifacts } from "./reportable-artifacts";
import { describeActivity, type RunActivity, RunDeadline } from "./run-deadline";
import { RunTracing } from "./run-tracing";
import { publishScenarioEvent } from "./scenario-events";
import { controlOf, ScenarioExecutionState, type StateControl } from "./scenario-execution-state";
import { toSnapshotMessages } from "./to-snapshot-messages";
import { TurnMachine } from "./turn-machine";
import { UsageTally } from "./usage-tally";
import { adapterDisplayName, validateConfig } from "./validate-config";
import { plainVerbosePrinter, type TextOutput, toVerboseLine, type VerbosePrinter } from "./verbose-printer";

const NO_VERDICT_REASONING = [
  "The script ended without a verdict. End it with one of:",
  "- `judge()` to have the judge give a verdict on the criteria",
  "- `succeed()` or `fail()` to end the test with an explicit result",
  "- `proceed()` with a higher `maxTurns`, if the conversation needs more turns to reach a verdict",
].join("\n");

/**
 * The environment of one execution: where verbose and debug mode read and write, and how they look.
 * Core's defaults are plain text on stdout/stdin; `@scenario/kit`'s `run()` and the `scenario` CLI
 * pass coloured ones. Injectable for tests and embedding.
 */
export interface ScenarioExecutionOptions {
  /** Where the default debug prompt reads the lines typed for the user. @default process.stdin */
  input?: NodeJS.ReadableStream;
  /** Where verbose output and the default debug prompt write. @default process.stdout */
  output?: TextOutput;
  /** Prints each message as it is added when `config.verbose` is on. @default plainVerbosePrinter (no colours) */
  verbosePrinter?: VerbosePrinter;
  /**
   * Asks for the user's lines when `config.debug` is on; its `close()` runs when the run ends.
   * @default createDebugPrompt({ input, output }) (no colours)
   */
  debugPrompt?: DebugPrompt;
  /**
   * Prices each model call from its usage, for `result.usage.costUsd` and `budget.maxCostUsd`.
   * The kit passes `@scenario/llm`'s price table; without one, costs are left out.
   */
  priceUsage?: UsagePricer;
}

/** Everything about a result except what only the executor knows. */
interface VerdictInput {
  success: boolean;
  reasoning?: string | undefined;
  metCriteria?: string[] | undefined;
  unmetCriteria?: string[] | undefined;
  criteria?: CriterionVerdict[] | undefined;
  error?: string | undefined;
  status?: ScenarioRunStatus;
}

/**
 * Runs one scenario: connects the agents, runs the script's steps, drives the turns, and emits
 * the run's events. `run(config)` is the usual entry; construct one directly to subscribe to
 * `events$` first, or to drive the steps yourself (`await execution.user("hi")`).
 */
export class ScenarioExecution implements ScenarioExecutionLike {
  /** This run's events (run started, message snapshots, run finished); completes when it ends. */
  readonly events$: Observable<ScenarioEvent>;
  /** This run's id: the `scenarioRunId` of its events and `ScenarioResult.runId`. */
  readonly runId: string;
  /** The configuration with its defaults filled in (`maxTurns`, `id`, `setId`, `threadId`). */
  readonly config: ScenarioConfig & { maxTurns: number; id: string; setId: string; threadId: string };
  /** The run's state, as custom steps see it. */
  readonly state: ScenarioExecutionState;

  private readonly stateControl: StateControl;
  private readonly adapters: AgentAdapter[];
  private readonly adapterNames: string[];
  private readonly script: ScriptStep[];
  private readonly options: ScenarioExecutionOptions;
  private readonly eventSubject = new ReplaySubject<ScenarioEvent>();
  private readonly usageTally: UsageTally;
  private readonly stepArtifacts = new Map<string, unknown>();
  private readonly abortController = new AbortController();
  /** The run's `timeout`: when it passes, the run ends as ERROR naming what `activity` says. */
  private readonly deadline: RunDeadline;
  /** Where the run is, for a timeout's message. */
  private readonly activity: RunActivity = {};
  /** Aborts on cancellation or at the deadline: what every wait of the run listens to. */
  private readonly haltSignal: AbortSignal;
  private readonly turns: TurnMachine;

  private readonly checkpointMet: string[] = [];
  private readonly checkpointUnmet: string[] = [];
  private readonly checkpointVerdicts: CriterionVerdict[] = [];
  private checkpointCount = 0;

  private conclusion: ScenarioResult | undefined;
  private inFlightTurn: InFlightTurn | undefined;
  private connection: Promise<void> | undefined;
  private debugPrompt: DebugPrompt | undefined;
  private startedAt: number | undefined;
  /** The run's spans, when an instrumentation is registered (spec's `registerScenarioInstrumentation`). */
  private tracing: RunTracing | undefined;
  private agentTimeMs = 0;
  private executeCalled = false;
  private runStartedEmitted = false;
  private finished = false;
  /** Set when a new turn reached maxTurns: that turn is opened for onTurn only, and nobody acts in it. */
  private reachedMaxTurns = false;
  /** The `user("text")` line being handed to a user participant that speaks scripted lines. */
  private scriptedLine: string | undefined;
  private unlinkSignal: (() => void) | undefined;

  /**
   * @param config The scenario; validated at once (a `ConfigurationError` names what is wrong).
   * @param options The environment (debug input, verbose output).
   */
  constructor(config: ScenarioConfig, options: ScenarioExecutionOptions = {}) {
    validateConfig(config);
    this.options = options;
    this.usageTally = new UsageTally(options.priceUsage);
    this.runId = createScenarioRunId();
    this.adapters = [...config.agents];
    this.adapterNames = this.adapters.map((adapter, index) => adapterDisplayName(adapter, index));
    this.script = config.script ? [...config.script] : [(_state, execution) => execution.proceed()];
    this.config = {
      ...config,
      maxTurns: config.maxTurns ?? DEFAULT_MAX_TURNS,
      id: scenarioIdOf(config),
      setId: config.setId ?? DEFAULT_SCENARIO_SET_ID,
      threadId: config.threadId ?? createThreadId(),
    };
    this.deadline = new RunDeadline(
      // A debug run waits for a person typing: it gets no deadline unless it asks for one.
      config.timeout ?? (config.debug ? 0 : DEFAULT_SCENARIO_TIMEOUT_MS),
      config.name,
      () => describeActivity(this.activity),
      (error) => this.abortController.abort(error),
    );
    this.haltSignal = config.signal
      ? AbortSignal.any([config.signal, this.deadline.signal])
      : this.deadline.signal;
    this.state = new ScenarioExecutionState(this.config);
    this.stateControl = controlOf(this.state);
    this.turns = new TurnMachine(
      this.adapters.map((adapter) => adapter.role),
      () => this.stateControl.advanceTurn(),
    );
    if (config.verbose) {
      const printer = options.verbosePrinter ?? plainVerbosePrinter;
      const output = options.output ?? process.stdout;
      this.stateControl.onMessageAdded((message) => printer(toVerboseLine(config.name, message), output));
    }
    this.events$ = new GuardedObservable<ScenarioEvent>((subscriber) =>
      this.eventSubject.subscribe(subscriber),
    );
  }

  /** The conversation so far (a copy). */
  get messages(): ModelMessage[] {
    return this.state.messages;
  }

  /** The conversation's thread id. */
  get threadId(): string {
    return this.state.threadId;
  }

  /** The participants of the run. */
  get agents(): readonly AgentAdapter[] {
    return this.adapters;
  }

  /**
   * Runs the script (or `[proceed()]` without one) to the end and returns the result. Runs once
   * per execution. Rejects with the original error when a step throws (a failed `expect`) or an
   * agent fails; resolves with status CANCELLED when `config.signal` aborts.
   */
  async execute(): Promise<ScenarioResult> {
    if (this.executeCalled) {
      throw new ScriptError(
        "execute() runs a ScenarioExecution once. Create a new ScenarioExecution (or call run()) for another run.",
      );
    }
    this.executeCalled = true;
    this.markStarted();
    this.deadline.keepAlive();
    this.emitRunStarted();

    let failure: { error: unknown } | undefined;
    try {
      this.throwIfCancelled();
      await this.preflightAll();
      await this.ensureConnected();
      for (const [index, step] of this.script.entries()) {
        if (this.conclusion) break;
        this.throwIfCancelled();
        this.activity.scriptStep = index + 1;
        this.activity.stepCall = undefined;
        let returned: unknown;
        try {
          returned = await this.untilCancelled(Promise.resolve().then(() => step(this.state, this)));
        } finally {
          this.emitSnapshot();
        }
        if (!this.conclusion && isScenarioResultLike(returned)) this.adoptStepResult(returned);
      }
      if (!this.conclusion) {
        await this.settleInFlightTurn();
        this.throwIfCancelled();
        if (!this.conclusion) this.concludeEndOfScript();
      }
    } catch (error) {
      failure = { error };
    }

    const cancelled = failure !== undefined && (this.cancelRequested() || isCancellation(failure.error));
    let result: ScenarioResult;
    if (cancelled) result = this.conclude(this.cancelledVerdict(), true);
    else if (failure) result = this.conclude(this.errorVerdict(failure.error), true);
    else result = this.conclusion!;

    await this.closeRun(result);
    if (failure && !cancelled) throw failure.error;
    return result;
  }

  /** With content, appends it as a user message; without, calls the user simulator. */
  async user(content?: string | ModelMessage): Promise<void> {
    await this.beforeBlockingStep({ bargeIn: true, step: "user()" });
    if (this.conclusion) return;
    if (content === undefined || content === null) {
      await this.callRole(AgentRole.USER);
      return;
    }
    const speaker = this.adapters.find((adapter) => adapter.role === AgentRole.USER);
    if (typeof content === "string" && isScriptedLineSpeaker(speaker)) {
      // A voice model playing the caller says the line itself: its audio is the user's message.
      this.scriptedLine = content;
      try {
        await this.callRole(AgentRole.USER);
      } finally {
        this.scriptedLine = undefined;
      }
      return;
    }
    this.addScriptedMessage(AgentRole.USER, toScriptedMessage(content, "user", "user"));
  }

  /**
   * With content, appends it as an agent message; without, calls the agent under test.
   * `agent({ wait: false })` starts the agent turn without awaiting it.
   */
  async agent(content?: string | ModelMessage | AgentStepOptions): Promise<void> {
    if (isAgentStepOptions(content)) {
      if (content.wait === false) return this.agentNonBlocking();
      content = undefined;
    }
    await this.beforeBlockingStep({ step: "agent()" });
    if (this.conclusion) return;
    if (content === undefined || content === null) {
      await this.callRole(AgentRole.AGENT);
      return;
    }
    this.addScriptedMessage(AgentRole.AGENT, toScriptedMessage(content, "assistant", "agent"));
  }

  /**
   * Starts the agent turn without awaiting it: the next blocking step (`user`, `agent`, `judge`,
   * `proceed`, `message`, `succeed`, `fail`) waits for it first, and a failure of the turn surfaces
   * there. Voice barge-in builds on it.
   */
  async agentNonBlocking(): Promise<void> {
    this.throwIfFinished();
    if (this.inFlightTurn) {
      throw new ScriptError(
        "A non-blocking agent turn (agent({ wait: false })) is still in flight. Await it with a blocking " +
          "step (user(), agent(), judge(), proceed(), message(), succeed() or fail()) before starting another.",
      );
    }
    this.markStarted();
    this.throwIfCancelled();
    if (this.conclusion) return;
    const index = this.turns.claimAgentSlot(AgentRole.AGENT);
    if (index === undefined) throw this.missingAgentError(AgentRole.AGENT);
    let markCalled!: () => void;
    const called = new Promise<void>((resolve) => {
      markCalled = resolve;
    });
    const turn = (async () => {
      try {
        await this.ensureConnected();
        await this.callAgent(index, AgentRole.AGENT, undefined, markCalled);
      } finally {
        markCalled();
      }
    })();
    // The failure is surfaced by the next blocking step; until then it must not count as unhandled.
    turn.catch(() => undefined);
    this.inFlightTurn = { promise: turn, index, called };
  }

  /**
   * Asks the judge for a final verdict, or with `criteria` runs an inline checkpoint: a pass
   * records them and returns null, a failure ends the run.
   */
  async judge(request?: JudgmentRequest): Promise<ScenarioResult | null> {
    const judgmentRequest = toJudgmentRequest(request);
    await this.beforeBlockingStep({ step: "judge()" });
    if (this.conclusion) return this.conclusion;
    await this.callRole(AgentRole.JUDGE, judgmentRequest);
    return this.conclusion ?? null;
  }

  /** Appends a message, routed by role: user messages to the user side, assistant messages to the agent side. */
  async message(message: ModelMessage): Promise<void> {
    await this.beforeBlockingStep({
      bargeIn: isModelMessage(message) && message.role === "user",
      step: "message()",
    });
    if (this.conclusion) return;
    if (!isModelMessage(message)) {
      throw new ScriptError(
        `message() needs a message ({ role, content }), got ${describeValue(message)}. ` +
          `Use user("text") or agent("text") for plain text.`,
      );
    }
    if (message.role === "user") this.addScriptedMessage(AgentRole.USER, message);
    else if (message.role === "assistant") this.addScriptedMessage(AgentRole.AGENT, message);
    else this.stateControl.appendMessage(message);
  }

  /**
   * Lets the agents converse: without `turns` until a verdict or `maxTurns`; with `turns`, for that
   * many turns (the current one counts when it still has agents to act), each played to its end, the
   * judge included. `onTurn` runs at each new turn, also the one that reaches `maxTurns` (the run
   * then fails), `onStep` after each agent call. Returns the verdict if one was reached, else null.
   */
  async proceed(turns?: number, onTurn?: OnTurn, onStep?: OnStep): Promise<ScenarioResult | null> {
    if (turns !== undefined && (typeof turns !== "number" || !Number.isInteger(turns) || turns < 0)) {
      throw new ScriptError(
        `proceed(${describeValue(turns)}): turns must be a whole number of 0 or more, or omitted to go on until a verdict.`,
      );
    }
    await this.beforeBlockingStep({ step: "proceed()" });
    if (this.conclusion) return this.conclusion;
    if (turns === 0) return null;
    const currentTurn = this.state.currentTurn;
    const lastTurn =
      turns === undefined
        ? Number.POSITIVE_INFINITY
        : this.turns.peekAutomaticActor()
          ? currentTurn + turns - 1
          : currentTurn + turns;

    // Bounded: every pass either calls an agent that has not acted this turn or starts a new turn,
    // and turns stop at maxTurns.
    for (;;) {
      this.throwIfCancelled();
      const actor = this.turns.peekAutomaticActor();
      if (!actor) {
        if (this.state.currentTurn + 1 > lastTurn) return null;
        this.turns.startNewTurn();
        if (onTurn) await this.untilCancelled(Promise.resolve(onTurn(this.state)));
        if (this.conclusion) return this.conclusion;
        // As in the reference, the turn that reaches maxTurns is started (onTurn sees it) and ends the run.
        if (this.state.currentTurn >= this.config.maxTurns) {
          this.reachedMaxTurns = true;
          return this.conclude(this.maxTurnsVerdict());
        }
        continue;
      }
      this.turns.markActed(actor.index);
      const added = await this.callAgent(actor.index, actor.role);
      if (added > 0) this.emitSnapshot();
      if (onStep) await this.untilCancelled(Promise.resolve(onStep(this.state)));
      if (this.conclusion) return this.conclusion;
    }
  }

  /** Ends the run as a success. */
  async succeed(reasoning?: string): Promise<ScenarioResult> {
    await this.beforeBlockingStep({ step: "succeed()" });
    return this.conclude({
      success: true,
      reasoning: reasoning ?? "Scenario ended by succeed() in the script",
    });
  }

  /** Ends the run as a failure. */
  async fail(reasoning?: string): Promise<ScenarioResult> {
    await this.beforeBlockingStep({ step: "fail()" });
    return this.conclude({
      success: false,
      reasoning: reasoning ?? "Scenario ended by fail() in the script",
    });
  }

  /**
   * One step of the turn machine, for a run driven by hand: the next agent due in the current turn
   * acts (user simulator → agent → judge), and a new turn starts when all have. Returns the messages
   * that agent added, or the result when the step ended the run (a verdict, or `maxTurns`). The
   * first step emits the run-started event; end the run with `finish()`.
   */
  async step(): Promise<ModelMessage[] | ScenarioResult> {
    await this.beforeBlockingStep();
    this.emitRunStarted();
    return runHandDrivenStep({
      conclusion: () => this.conclusion,
      peekActor: () => this.turns.peekAutomaticActor(),
      markActed: (index) => this.turns.markActed(index),
      startNewTurn: () => {
        this.turns.startNewTurn();
        if (this.state.currentTurn < this.config.maxTurns) return undefined;
        this.reachedMaxTurns = true;
        return this.conclude(this.maxTurnsVerdict());
      },
      callAgent: (index, role) => this.callAgent(index, role),
      messages: () => this.state.messages,
      emitSnapshot: () => this.emitSnapshot(),
    });
  }

  /**
   * Ends a run driven by hand (its steps called directly, without `execute()`): waits for a
   * non-blocking agent turn in flight, concludes the run if no step did (as the end of a script
   * does), disconnects the agents, emits the run-started event if no step had, the last snapshot
   * and the run-finished event, and returns the result. Called again, it returns the same result.
   */
  async finish(): Promise<ScenarioResult> {
    if (this.finished && this.conclusion) return this.conclusion;
    if (this.executeCalled) {
      throw new ScriptError(
        "finish() ends a run driven by hand; execute() ends its own run. Await execute().",
      );
    }
    this.markStarted();
    this.emitRunStarted();
    let result: ScenarioResult;
    try {
      await this.settleInFlightTurn();
      this.throwIfCancelled();
      if (!this.conclusion) this.concludeEndOfScript();
      result = this.conclusion!;
    } catch (error) {
      const cancelled = this.cancelRequested() || isCancellation(error);
      result = this.conclude(cancelled ? this.cancelledVerdict() : this.errorVerdict(error), true);
    }
    this.emitSnapshot();
    await this.closeRun(result);
    return result;
  }

  /** Attaches a result under `key` to `ScenarioResult.artifacts` (it wins over an adapter's same key). */
  setArtifact(key: string, value: unknown): void {
    if (typeof key !== "string" || key === "") {
      throw new ScriptError(`setArtifact() needs a non-empty string key, got ${describeValue(key)}.`);
    }
    this.stepArtifacts.set(key, value);
  }

  // --- turns ------------------------------------------------------------------------------------

  /** A scripted message takes its role's place in the turn, like the agent it speaks for. */
  private addScriptedMessage(role: AgentRole, message: ModelMessage): void {
    if (this.turns.claimAgentSlot(role) === undefined) this.turns.claimAgentlessSlot(role);
    this.stateControl.appendMessage(message);
  }

  private async callRole(role: AgentRole, judgmentRequest?: JudgmentRequest): Promise<void> {
    const index = this.turns.claimAgentSlot(role);
    if (index === undefined) throw this.missingAgentError(role);
    await this.callAgent(index, role, judgmentRequest);
  }

  /**
   * Calls one agent and applies what it returned. Returns how many messages were added.
   */
  private async callAgent(
    index: number,
    role: AgentRole,
    judgmentRequest?: JudgmentRequest,
    onCalled?: () => void,
  ): Promise<number> {
    this.throwIfCancelled();
    const adapter = this.adapters[index]!;
    const name = this.adapterNames[index]!;

    if (this.config.debug && adapter.role === AgentRole.USER) {
      const typed = await this.askDebugLine();
      this.throwIfCancelled();
      if (typed !== undefined && typed.trim() !== "") {
        this.stateControl.appendMessage({ role: "user", content: typed });
        return 1;
      }
    }

    const pending = this.stateControl.takePendingMessages(index);
    const activeCall = { role, name, turn: this.state.currentTurn };
    this.activity.agentCall = activeCall;
    const traced = this.tracing?.agentCall(role, name, this.state.currentTurn);
    const input: AgentInput = {
      threadId: this.state.threadId,
      messages: this.state.messages,
      newMessages: pending.messages,
      requestedRole: role,
      scenarioState: this.state,
      scenarioConfig: this.config,
      recordUsage: (usage: TokenUsage) => {
        this.usageTally.record(adapter.role, usage);
        traced?.recordUsage(usage);
      },
      signal: this.abortController.signal,
      ...(judgmentRequest ? { judgmentRequest } : {}),
      ...(role === AgentRole.AGENT ? this.interruptionPlan() : {}),
      ...(role === AgentRole.USER && this.scriptedLine !== undefined
        ? { scriptedLine: this.scriptedLine }
        : {}),
    };

    const startedAt = performance.now();
    let returned: unknown;
    try {
      returned = await this.untilCancelled(
        (async () => {
          // Inside the call's span, so the agent's own spans (and its HTTP traceparent) nest under it.
          const reply = traced ? traced.run(async () => adapter.call(input)) : adapter.call(input);
          onCalled?.();
          return reply;
        })(),
      );
    } catch (error) {
      if (this.deadline.error) throw this.deadline.error;
      if (isCancellation(error) || this.cancelRequested()) throw error;
      // An adapter that already names itself (as the adapter testkit asks) is not wrapped twice.
      if (AgentCallError.isInstance(error) && error.agentName === name) throw error;
      throw new AgentCallError(name, errorText(error), { cause: error });
    } finally {
      if (adapter.role === AgentRole.AGENT) this.agentTimeMs += performance.now() - startedAt;
      pending.acknowledge();
      if (this.activity.agentCall === activeCall) this.activity.agentCall = undefined;
    }
    if (this.finished) return 0;

    const normalized = normalizeAgentReturn(returned, role === AgentRole.USER ? "user" : "assistant", name);
    if (normalized.kind === "verdict") {
      this.applyVerdict(normalized.verdict, judgmentRequest);
      this.enforceBudget();
      return 0;
    }
    for (const message of normalized.messages) this.stateControl.appendMessage(message, index);
    if (judgmentRequest) {
      const reasoning =
        `[${name}] gave no verdict when asked for one (judge()${judgmentRequest.criteria ? " with criteria" : ""}). ` +
        "A judge must return a judge result ({ success, reasoning, metCriteria, unmetCriteria }) when " +
        "input.judgmentRequest is set.";
      this.conclude({ success: false, status: "ERROR", reasoning, error: reasoning });
    }
    this.enforceBudget();
    return normalized.messages.length;
  }

  /** After each agent call: a run over its `budget` ends as ERROR, naming the budget and the figure. */
  private enforceBudget(): void {
    if (this.conclusion || !this.config.budget) return;
    const reason = budgetExceededReason(this.config.budget, {
      costUsd: this.usageTally.pricedCostUsd(),
      totalTokens: this.usageTally.totalTokens(),
      elapsedMs: this.startedAt === undefined ? 0 : performance.now() - this.startedAt,
    });
    if (reason) this.conclude({ success: false, status: "ERROR", reasoning: reason, error: reason });
  }

  private applyVerdict(verdict: JudgeResult, judgmentRequest: JudgmentRequest | undefined): void {
    const isCheckpoint = judgmentRequest?.criteria !== undefined;
    if (isCheckpoint && verdict.success && verdict.error === undefined) {
      this.checkpointCount += 1;
      this.checkpointMet.push(...verdict.metCriteria);
      this.checkpointUnmet.push(...verdict.unmetCriteria);
      this.checkpointVerdicts.push(...(verdict.criteria ?? []));
      return;
    }
    this.conclude({
      success: verdict.success && verdict.error === undefined,
      reasoning: verdict.reasoning,
      metCriteria: verdict.metCriteria,
      unmetCriteria: verdict.unmetCriteria,
      criteria: verdict.criteria,
      error: verdict.error,
    });
  }

  // --- blocking steps, lifecycle ----------------------------------------------------------------

  /**
   * Readies a blocking step: connects, then waits for a non-blocking agent turn in flight. A user
   * step (`bargeIn`) first interrupts that turn when its adapter can be interrupted, so the user
   * barges in instead of waiting politely for the reply to end.
   */
  private async beforeBlockingStep(options: { bargeIn?: boolean; step?: string } = {}): Promise<void> {
    this.throwIfFinished();
    if (options.step) this.activity.stepCall = options.step;
    this.markStarted();
    this.throwIfCancelled();
    await this.ensureConnected();
    const interruptFailure = options.bargeIn ? await this.interruptInFlightTurn() : undefined;
    await this.settleInFlightTurn();
    if (interruptFailure) throw interruptFailure;
  }

  /** Interrupts the in-flight turn's adapter; returns the failure to raise once the turn settled. */
  private async interruptInFlightTurn(): Promise<AgentCallError | undefined> {
    const turn = this.inFlightTurn;
    const adapter = turn ? this.adapters[turn.index] : undefined;
    if (!turn || typeof adapter?.interrupt !== "function") return undefined;
    // The turn enters adapter.call() a few microtasks after agent({ wait: false }) returned; an
    // interrupt sent before that would find nothing to interrupt.
    await this.untilCancelled(turn.called);
    try {
      await this.untilCancelled(Promise.resolve(adapter.interrupt()));
      return undefined;
    } catch (error) {
      if (isCancellation(error) || this.cancelRequested()) throw error;
      const name = this.adapterNames[turn.index]!;
      return new AgentCallError(name, `interrupt() failed: ${errorText(error)}`, { cause: error });
    }
  }

  private async settleInFlightTurn(): Promise<void> {
    const turn = this.inFlightTurn;
    if (!turn) return;
    this.inFlightTurn = undefined;
    await this.untilCancelled(turn.promise);
  }

  /**
   * Hands every step's declared requirements (`ScriptStep.requirements`) to each adapter's
   * `preflight()`, so a script the agents cannot run fails before anything connects. Its error is
   * thrown as is (a `VoiceUnsupportedError` names the adapter and the capability).
   */
  private async preflightAll(): Promise<void> {
    const requirements = this.script.flatMap((step) => step.requirements ?? []);
    for (const adapter of this.adapters) {
      await this.untilCancelled(Promise.resolve(adapter.preflight?.({ requirements })));
    }
  }

  /** The agent under test's barge-in plan for this turn, from the first participant that declares one. */
  private interruptionPlan(): { interruptionPlan?: InterruptionPlan } {
    const planner = this.adapters.find(
      (adapter) => adapter.role !== AgentRole.AGENT && isInterruptionPlanner(adapter),
    );
    if (planner === undefined || !isInterruptionPlanner(planner)) return {};
    const plan = planner.planInterruption({ turn: this.state.currentTurn });
    return plan ? { interruptionPlan: plan } : {};
  }

  private ensureConnected(): Promise<void> {
    this.connection ??= this.connectAll();
    return this.untilCancelled(this.connection);
  }

  private async connectAll(): Promise<void> {
    this.activity.phase = "connecting the agents";
    const outcomes = await Promise.allSettled(
      this.adapters.map(async (adapter) =>
        adapter.connect?.({
          scenarioConfig: this.config,
          threadId: this.state.threadId,
          signal: this.abortController.signal,
        }),
      ),
    );
    this.activity.phase = undefined;
    outcomes.forEach((outcome, index) => {
      if (outcome.status === "rejected") {
        throw new AgentCallError(
          this.adapterNames[index]!,
          `connect() failed: ${errorText(outcome.reason)}`,
          {
            cause: outcome.reason,
          },
        );
      }
    });
  }

  private async closeRun(result: ScenarioResult): Promise<void> {
    this.finished = true;
    this.deadline.clear();
    const artifacts = await this.collectArtifacts();
    this.abortController.abort(new RunCancelledError("The scenario run is over."));
    await this.disconnectAll();
    this.unlinkSignal?.();
    this.debugPrompt?.close?.();
    result.messages = this.state.messages;
    result.usage = this.usageTally.summary();
    this.endTracing(result);
    result.artifacts = artifacts;
    this.emitRunFinished(result);
    this.eventSubject.complete();
  }

  private async collectArtifacts(): Promise<Record<string, unknown>> {
    const artifacts: Record<string, unknown> = {};
    for (const [index, adapter] of this.adapters.entries()) {
      if (typeof adapter.collectArtifacts !== "function") continue;
      try {
        const collected = await adapter.collectArtifacts();
        if (collected && typeof collected === "object") Object.assign(artifacts, collected);
      } catch (error) {
        console.warn(
          `[scenario] ${this.adapterNames[index]}.collectArtifacts() failed; the run's result stands.`,
          error,
        );
      }
    }
    for (const [key, value] of this.stepArtifacts) artifacts[key] = value;
    return artifacts;
  }

  private async disconnectAll(): Promise<void> {
    const outcomes = await Promise.allSettled(this.adapters.map(async (adapter) => adapter.disconnect?.()));
    outcomes.forEach((outcome, index) => {
      if (outcome.status === "rejected") {
        console.warn(
          `[scenario] ${this.adapterNames[index]}.disconnect() failed; the run's result stands.`,
          outcome.reason,
        );
      }
    });
  }

  private markStarted(): void {
    if (this.startedAt !== undefined) return;
    this.startedAt = performance.now();
    this.deadline.start(false);
    this.tracing = RunTracing.forRun({
      runId: this.runId,
      batchId: getBatchRunId(),
      scenarioId: this.config.id,
      scenarioName: this.config.name,
      setId: this.config.setId,
      threadId: this.state.threadId,
    });
    const signal = this.config.signal;
    if (!signal) return;
    const onAbort = () => this.abortController.abort(signal.reason);
    if (signal.aborted) onAbort();
    else {
      signal.addEventListener("abort", onAbort, { once: true });
      this.unlinkSignal = () => signal.removeEventListener("abort", onAbort);
    }
  }

  /** Ends the run's spans; a failing instrumentation never changes the result. */
  private endTracing(result: ScenarioResult): void {
    try {
      this.tracing?.end(result);
    } catch (error) {
      console.warn(
        "[scenario] The instrumentation failed to end the run's span; the run's result stands.",
        error,
      );
    }
  }

  private async askDebugLine(): Promise<string | undefined> {
    this.debugPrompt ??=
      this.options.debugPrompt ??
      createDebugPrompt({ input: this.options.input, output: this.options.output });
    const turn = this.state.currentTurn;
    const question = {
      scenarioName: this.config.name,
      turn,
      text: debugQuestionText(this.config.name, turn),
    };
    return this.debugPrompt.ask(question, this.abortController.signal);
  }

  // --- cancellation -----------------------------------------------------------------------------

  private cancelRequested(): boolean {
    return this.config.signal?.aborted === true;
  }

  private throwIfCancelled(): void {
    if (this.cancelRequested()) throw new RunCancelledError();
    if (this.deadline.error) throw this.deadline.error;
  }

  /** Why waiting stopped: the run was cancelled, or its deadline passed. */
  private haltReason(): Error {
    return this.cancelRequested()
      ? new RunCancelledError()
      : (this.deadline.error ?? new RunCancelledError());
  }

  private throwIfFinished(): void {
    if (this.finished) {
      throw new ScriptError(
        "This scenario run is over; its steps can no longer be called. Start a new run for more steps.",
      );
    }
  }

  /**
   * Waits for `promise`, but stops waiting as soon as the run is cancelled (RunCancelledError) or
   * its deadline passes (ScenarioTimeoutError).
   */
  private untilCancelled<T>(promise: Promise<T>): Promise<T> {
    const signal = this.haltSignal;
    if (signal.aborted) {
      promise.catch(() => undefined);
      return Promise.reject(this.haltReason());
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(this.haltReason());
      signal.addEventListener("abort", onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener("abort", onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener("abort", onAbort);
          reject(error);
        },
      );
    });
  }

  // --- verdicts ---------------------------------------------------------------------------------

  /**
   * Records the run's verdict (the first one wins unless `replace`) with the checkpoints' criteria
   * in front, and returns the result.
   */
  private conclude(verdict: VerdictInput, replace = false): ScenarioResult {
    if (this.conclusion && !replace) return this.conclusion;
    const status: ScenarioRunStatus =
      verdict.status ?? (verdict.error !== undefined ? "ERROR" : verdict.success ? "SUCCESS" : "FAILED");
    const criteria = [...this.checkpointVerdicts, ...(verdict.criteria ?? [])];
    const result: ScenarioResult = {
      runId: this.runId,
      success: status === "SUCCESS",
      status,
      reasoning: verdict.reasoning,
      metCriteria: [...this.checkpointMet, ...(verdict.metCriteria ?? [])],
      unmetCriteria: [...this.checkpointUnmet, ...(verdict.unmetCriteria ?? [])],
      messages: this.state.messages,
      totalTime: this.startedAt === undefined ? 0 : performance.now() - this.startedAt,
      agentTime: this.agentTimeMs,
      usage: this.usageTally.summary(),
      artifacts: {},
    };
    if (criteria.length > 0) result.criteria = criteria;
    if (verdict.error !== undefined) result.error = verdict.error;
    this.conclusion = result;
    return result;
  }

  private adoptStepResult(returned: Partial<ScenarioResult> & { success: boolean }): void {
    this.conclude({
      success: returned.success && returned.error === undefined,
      reasoning: returned.reasoning,
      metCriteria: Array.isArray(returned.metCriteria) ? returned.metCriteria : [],
      unmetCriteria: Array.isArray(returned.unmetCriteria) ? returned.unmetCriteria : [],
      criteria: returned.criteria,
      error: returned.error,
    });
  }

  private concludeEndOfScript(): void {
    if (this.checkpointCount > 0) {
      this.conclude({
        success: this.checkpointUnmet.length === 0,
        reasoning: `The script ended after ${this.checkpointCount} inline criteria check(s), all passed.`,
      });
      return;
    }
    this.conclude({ success: false, reasoning: NO_VERDICT_REASONING, unmetCriteria: this.judgeCriteria() });
  }

  private maxTurnsVerdict(): VerdictInput {
    return {
      success: false,
      reasoning: `Reached maximum turns (${this.config.maxTurns}) without conclusion`,
      unmetCriteria: this.judgeCriteria(),
    };
  }

  private cancelledVerdict(): VerdictInput {
    const reason = this.config.signal?.reason;
    const detail =
      typeof reason === "string" && reason !== ""
        ? `: ${reason}`
        : reason instanceof Error && reason.name !== "AbortError" && reason.message
          ? `: ${reason.message}`
          : "";
    return { success: false, status: "CANCELLED", reasoning: `The scenario run was cancelled${detail}.` };
  }

  private errorVerdict(error: unknown): VerdictInput {
    const message = errorText(error);
    return {
      success: false,
      status: "ERROR",
      reasoning: `Scenario failed with error: ${message}`,
      unmetCriteria: [message],
      error: message,
    };
  }

  /** The criteria the judge declares (spec's `CriteriaProvider`; judgeAgent() implements it). */
  private judgeCriteria(): string[] {
    for (const adapter of this.adapters) {
      if (adapter.role === AgentRole.JUDGE && isCriteriaProvider(adapter)) return [...adapter.criteria];
    }
    return [];
  }

  private missingAgentError(role: AgentRole): MissingAgentError {
    const remedy =
      role === AgentRole.USER
        ? "a user simulator, e.g. userSimulatorAgent(),"
        : role === AgentRole.JUDGE
          ? "a judge, e.g. judgeAgent({ criteria }),"
          : "the agent under test (an adapter with role AgentRole.AGENT)";
    const step = role === AgentRole.USER ? "user()" : role === AgentRole.JUDGE ? "judge()" : "agent()";
    return new MissingAgentError(
      `${step} needs an agent with role ${role}, but the scenario "${this.config.name}" has none. ` +
        `Add ${remedy} to \`agents\`${role === AgentRole.JUDGE ? "" : `, or give ${step} the message text to use`}.`,
    );
  }

  // --- events -----------------------------------------------------------------------------------

  private baseEvent() {
    return {
      eventId: createEventId(),
      timestamp: Date.now(),
      batchRunId: getBatchRunId(),
      scenarioRunId: this.runId,
      scenarioId: this.config.id,
      scenarioSetId: this.config.setId,
    };
  }

  private emit(event: ScenarioEvent): void {
    for (const deliver of [() => this.eventSubject.next(event), () => publishScenarioEvent(event)]) {
      try {
        deliver();
      } catch (error) {
        console.warn(`[scenario] Delivering a ${event.type} event failed; the run goes on.`, error);
      }
    }
  }

  private emitRunStarted(): void {
    if (this.runStartedEmitted) return;
    this.runStartedEmitted = true;
    const { name: _name, description: _description, ...metadata } = this.config.metadata ?? {};
    this.emit({
      ...this.baseEvent(),
      type: ScenarioEventType.RUN_STARTED,
      metadata: { ...metadata, name: this.config.name, description: this.config.description },
    });
  }

  private emitSnapshot(): void {
    try {
      this.emit({
        ...this.baseEvent(),
        type: ScenarioEventType.MESSAGE_SNAPSHOT,
        messages: toSnapshotMessages(this.state.messages, this.stateControl.messageIds()),
        // Events report the last turn played, so reporters count maxTurns turns, not one more.
        turn: this.reachedMaxTurns ? this.state.currentTurn - 1 : this.state.currentTurn,
      });
    } catch (error) {
      console.warn("[scenario] Emitting a message snapshot failed; the run goes on.", error);
    }
  }

  private emitRunFinished(result: ScenarioResult): void {
    const results: Extract<ScenarioEvent, { type: "SCENARIO_RUN_FINISHED" }>["results"] = {
      verdict: result.status === "CANCELLED" ? "inconclusive" : result.success ? "success" : "failure",
      metCriteria: [...result.metCriteria],
      unmetCriteria: [...result.unmetCriteria],
    };
    if (result.reasoning !== undefined) results.reasoning = result.reasoning;
    if (result.error !== undefined) results.error = result.error;
    if (result.criteria !== undefined) results.criteria = [...result.criteria];
    this.emit({
      ...this.baseEvent(),
      type: ScenarioEventType.RUN_FINISHED,
      status: result.status,
      results,
      name: this.config.name,
      totalTimeMs: result.totalTime,
      agentTimeMs: result.agentTime,
      usage: result.usage,
      ...withReportableArtifacts(result.artifacts),
    });
  }
}

function isAgentStepOptions(value: unknown): value is AgentStepOptions {
  return value !== null && typeof value === "object" && !Array.isArray(value) && !("role" in value);
}

function isScenarioResultLike(value: unknown): value is Partial<ScenarioResult> & { success: boolean } {
  return (
    value !== null &&
    typeof value === "object" &&
    typeof (value as { success?: unknown }).success === "boolean"
  );
}

function toScriptedMessage(content: unknown, side: "user" | "assistant", step: string): ModelMessage {
  if (typeof content === "string") return { role: side, content };
  if (isModelMessage(content)) return content;
  throw new ScriptError(
    `${step}() takes a string or a message ({ role, content }), got ${describeValue(content)}.` +
      (step === "agent" ? " Pass { wait: false } to start a non-blocking agent turn." : ""),
  );
}

function toJudgmentRequest(request: JudgmentRequest | undefined): JudgmentRequest {
  if (request === undefined || request === null) return {};
  if (typeof request !== "object") {
    throw new ScriptError(`judge() takes nothing or { criteria: [...] }, got ${describeValue(request)}.`);
  }
  if (request.criteria === undefined) return {};
  const criteria: unknown = request.criteria;
  if (
    !Array.isArray(criteria) ||
    criteria.length === 0 ||
    !criteria.every((criterion) => typeof criterion === "string" && criterion.trim() !== "")
  ) {
    throw new ScriptError(
      `judge({ criteria }) needs a non-empty array of criteria texts, got ${describeValue(criteria)}. ` +
        "Use judge() without arguments for the judge's own criteria.",
    );
  }
  return { criteria: [...(criteria as string[])] };
}

function isCancellation(error: unknown): boolean {
  return error instanceof RunCancelledError;
}

/** An error's message, or its type name when the message is empty. */
function errorText(error: unknown): string {
  if (error instanceof Error) {
    if (error.message) return error.message;
    const constructorName = error.constructor?.name;
    if (error.name && error.name !== "Error") return error.name;
    return constructorName && constructorName !== "Object" ? constructorName : "Error";
  }
  if (typeof error === "string") return error || "Error";
  return describeValue(error);
}

/** A non-blocking agent turn in flight. */
interface InFlightTurn {
  /** Settles when the turn has ended (its messages applied) or failed. */
  promise: Promise<void>;
  /** The adapter's index. */
  index: number;
  /** Resolves once the adapter's call() has been entered. */
  called: Promise<void>;
}
