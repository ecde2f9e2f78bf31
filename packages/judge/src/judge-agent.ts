import {
  aiTelemetrySettings,
  callParticipantModel,
  type RetryOptions,
  resolveParticipantModel,
  validateSamplingOptions,
} from "@scenario/llm";
import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type CriteriaProvider,
  DEFAULT_MAX_TURNS,
  getScenarioInstrumentation,
  JudgeError,
  type JudgeResult,
  type TraceSpanRecord,
} from "@scenario/spec";
import { generateText, type LanguageModel, ToolChoiceViolationError, type ToolSet } from "ai";
import { buildJudgePrompt, DEFAULT_JUDGE_INSTRUCTIONS } from "./judge-prompt";
import { CONTINUE_TEST, FINISH_TEST, judgeTools, parseFinishTestInput } from "./judge-tools";
import { judgeResultFrom } from "./match-verdicts";
import { renderTraceDigest } from "./trace-digest";
import { traceTools } from "./trace-tools";

/**
 * When the judge is asked for a verdict during `proceed()`: `"auto"` (after turns 1, 2, 4, 8, …),
 * `"turn"` (after every turn), `"end"` (only when a verdict is required) or every N turns.
 */
export type JudgeCadence = "auto" | "turn" | "end" | number;

/** Options of `judgeAgent()`. */
export interface JudgeAgentOptions {
  /** What the agent must do (or must not do), one statement each. Required, non-empty. */
  criteria: string[];
  /**
   * The model that judges. Any AI SDK language model (`openai("gpt-4.1")`, …).
   * @default configureScenarioLLM's defaultModel, else OpenAI's SCENARIO_MODEL or gpt-4.1-mini
   */
  model?: LanguageModel;
  /** Sampling temperature. @default 0 */
  temperature?: number;
  /** The most tokens one judgement may produce. @default the provider's */
  maxTokens?: number;
  /**
   * Replaces the judge's instructions. The scenario's description and the criteria are always
   * appended after them, so the judge knows what to check.
   */
  systemPrompt?: string;
  /** The adapter's display name. @default "JudgeAgent" */
  name?: string;
  /**
   * The judge does not end the run before this many turns (an explicit `judge()` step and the
   * last turn still get a verdict).
   * @default 0
   */
  minTurns?: number;
  /**
   * When `proceed()` asks the judge. `"auto"`: after turns 1, 2, 4, 8, … (each time the run has
   * doubled) and on the first turn `minTurns` allows, except that a check is left out when the last
   * turn is less than half as many turns away as have been done (its required verdict comes soon
   * anyway). A run that settles still ends early, by about twice the turns it needed at most, while
   * the judge reads the growing transcript a few times rather than after every turn. `"turn"`:
   * after every turn, as `@langwatch/scenario` does (the earliest stop, the most tokens). `"end"`:
   * only when a verdict is required. A number N: every N turns. Whatever the cadence, an explicit
   * `judge()` step, an inline checkpoint and the last turn always get a verdict.
   * @default "auto"
   */
  judgeEvery?: JudgeCadence;
  /** Retry, backoff and timeout of its model calls, over `configureScenarioLLM({ retry })`. */
  retry?: RetryOptions;
  /**
   * Also send the audio of voice turns, for a model that hears (tone, interruptions, silence).
   * By default the judge reads the turns' transcripts only, which any text model can.
   * @default false
   */
  audio?: boolean;
  /**
   * Also read the agent's trace: its own OpenTelemetry spans in this run (tool calls with inputs
   * and outputs, latencies, errors) as a digest bounded by `maxTokens`, with `expand_trace` and
   * `grep_trace` tools to read more. Needs `setupScenarioTracing()` from `@scenario/tracing`;
   * without it the judge is told no trace was recorded. Criteria such as "calls the refund API
   * exactly once" can then be judged from what the agent did, not only from what it said.
   * @default false
   */
  traces?: boolean | { maxTokens?: number };
}

/**
 * The LLM judge as a class, as `@langwatch/scenario` exports it: `new JudgeAgent(options)` and
 * `judgeAgent(options)` build the same adapter, so `instanceof JudgeAgent` holds for both. A
 * subclass may override `call()` and still reach the judge with `super.call(input)`.
 */
export class JudgeAgent implements AgentAdapter, CriteriaProvider {
  /** Always `AgentRole.JUDGE`. */
  readonly role = AgentRole.JUDGE;
  /** The adapter's display name. */
  name: string;
  /**
   * The criteria it checks (inline checkpoints bring their own); a copy: changing it changes nothing.
   * Declared through spec's `CriteriaProvider`, so a run that ends without a verdict lists them as unmet.
   */
  readonly criteria: string[];
  readonly #judge: (input: AgentInput) => Promise<JudgeResult | null>;

  /** Validates the options (a `ConfigurationError` says what to fix) and builds the judge. */
  constructor(options: JudgeAgentOptions) {
    const judge = buildJudge(options);
    this.name = options.name ?? "JudgeAgent";
    this.criteria = [...judge.criteria];
    this.#judge = judge.call;
  }

  /** Judges the conversation so far: `null` lets it continue, a `JudgeResult` ends the run. */
  call(input: AgentInput): Promise<JudgeResult | null> {
    return this.#judge(input);
  }
}

const MAX_VERDICT_ATTEMPTS = 2;
/** Tool calls a trace-reading judge may make before it must decide. */
const MAX_TRACE_STEPS = 4;
/** The trace digest's default budget, in tokens. */
const DEFAULT_TRACE_TOKENS = 1500;
const NO_TRACE =
  "(No trace is available: tracing is not set up. Call setupScenarioTracing() from @scenario/tracing before the run.)";

/** A tool call of the judge's reply: `input` is parsed JSON, or the raw text when it was not valid. */
type ToolCallSeen = { toolName: string; input: unknown };
const ROLE_HEADER = { "X-Scenario-Role": "judge" };

/**
 * Creates an LLM judge. After agent turns (turns 1, 2, 4, 8, … by default: see `judgeEvery`) it
 * reads the scenario's description, its criteria and the conversation, and either lets the run
 * continue or ends it with a verdict on every criterion. It decides through the `continue_test` and `finish_test`
 * tools; verdicts are matched to criteria by their text. When a verdict is required (a `judge()`
 * step, an inline checkpoint, the last turn) it must give one: criteria it finds inconclusive then
 * count as unmet, and a reply without a usable verdict is retried once and then fails with
 * `JudgeError` (code `JUDGE_FAILED`), never as a pass. Returns a `JudgeAgent` instance, the same as
 * `new JudgeAgent(options)`.
 */
export function judgeAgent(options: JudgeAgentOptions): JudgeAgent {
  return new JudgeAgent(options);
}

// The judge itself; the JudgeAgent class wraps it, so the factory and the class build the same.
function buildJudge(options: JudgeAgentOptions): {
  criteria: string[];
  call: (input: AgentInput) => Promise<JudgeResult | null>;
} {
  const criteria = validateCriteria(options?.criteria, "judgeAgent({ criteria })");
  const sampling = validateSamplingOptions(options, "judgeAgent");
  const temperature = sampling.temperature ?? 0;
  const maxTokens = sampling.maxTokens;
  const minTurns = validateInteger(options.minTurns, "minTurns", 0) ?? 0;
  const judgeEvery = validateCadence(options.judgeEvery);
  const instructions = options.systemPrompt ?? DEFAULT_JUDGE_INSTRUCTIONS;
  const traceTokens = validateTraces(options.traces);

  const judge = async (input: AgentInput): Promise<JudgeResult | null> => {
    const request = input.judgmentRequest;
    const turn = input.scenarioState.currentTurn;
    const maxTurns = input.scenarioConfig.maxTurns ?? DEFAULT_MAX_TURNS;
    const required = request !== undefined || turn >= maxTurns - 1;
    const checked =
      request?.criteria === undefined
        ? criteria
        : validateCriteria(request.criteria, "judge({ criteria }) (an inline checkpoint)");
    if (!required) {
      const turnsDone = turn + 1;
      if (turnsDone < minTurns || !isScheduled(judgeEvery, turnsDone, minTurns, maxTurns)) return null;
      if (input.messages.length === 0) return null;
    }

    const model = resolveParticipantModel({
      model: options.model,
      participant: "judgeAgent()",
      cacheKey: input.scenarioConfig.cacheKey,
      recordUsage: input.recordUsage,
    });
    const trace = traceTokens === undefined ? undefined : readAgentTrace(traceTokens);
    const verdictTools = judgeTools(checked);
    // A verdict that is due leaves out continue_test: "must call a tool" then means "must decide",
    // and the provider bills no tool definition the judge may not use.
    const { [CONTINUE_TEST]: _continueTest, ...finishOnly } = verdictTools;
    const decisionToolSet = required ? finishOnly : verdictTools;
    const tools: ToolSet = trace?.spans
      ? { ...decisionToolSet, ...traceTools(trace.spans) }
      : decisionToolSet;
    const decisionChoice = required
      ? ({ type: "tool", toolName: FINISH_TEST } as const)
      : ("required" as const);
    const decisionTools = required ? [FINISH_TEST] : [CONTINUE_TEST, FINISH_TEST];
    let problem = "";
    for (let attempt = 1; attempt <= MAX_VERDICT_ATTEMPTS; attempt++) {
      const { system, messages } = buildJudgePrompt({
        instructions,
        description: input.scenarioConfig.description,
        criteria: checked,
        messages: input.messages,
        correction: attempt > 1 ? problem : undefined,
        includeAudio: options.audio,
        trace: trace && { digest: trace.digest, tools: trace.spans !== undefined },
      });
      const reply = await callParticipantModel(
        ({ signal }) =>
          generateText({
            model,
            system,
            messages,
            tools,
            ...(trace?.spans
              ? {
                  // Trace reads first (any tool), then the last step must decide.
                  toolChoice: "required" as const,
                  // A plain stop condition: `stepCountIs` was renamed in AI SDK 7.
                  stopWhen: ({ steps }: { steps: unknown[] }) => steps.length > MAX_TRACE_STEPS,
                  prepareStep: ({ stepNumber }: { stepNumber: number }) =>
                    stepNumber >= MAX_TRACE_STEPS
                      ? { toolChoice: decisionChoice, activeTools: decisionTools }
                      : undefined,
                }
              : { toolChoice: decisionChoice }),
            temperature,
            maxOutputTokens: maxTokens,
            headers: ROLE_HEADER,
            abortSignal: signal,
            maxRetries: 0,
            ...aiTelemetrySettings("scenario.judge"),
          }).then(
            (result) => ({ toolCalls: result.toolCalls as ToolCallSeen[], text: result.text }),
            (error: unknown) => {
              // The AI SDK rejects a reply that ignores the tool choice; it is handled like any reply without a verdict.
              if (!ToolChoiceViolationError.isInstance(error)) throw error;
              return {
                toolCalls: error.content.filter((part) => part.type === "tool-call") as ToolCallSeen[],
                text: error.content.map((part) => (part.type === "text" ? part.text : "")).join(""),
              };
            },
          ),
        {
          retry: options.retry,
          signal: input.signal,
          label: `Judge call to ${model.provider}/${model.modelId}`,
        },
      );

      const finish = reply.toolCalls.find((call) => call.toolName === FINISH_TEST);
      // Some models write the finish_test arguments as text instead of calling the tool.
      const finishInput = finish ? finish.input : reply.text.includes('"verdicts"') ? reply.text : undefined;
      if (finishInput !== undefined) {
        const parsed = parseFinishTestInput(finishInput);
        if (parsed.ok) return judgeResultFrom(checked, parsed.value, required);
        problem = `${parsed.problem}. Call finish_test again with valid arguments.`;
        continue;
      }
      if (!required) return null;
      problem = reply.toolCalls.some((call) => call.toolName === CONTINUE_TEST)
        ? "you called continue_test, but a verdict is required now. Call finish_test."
        : "it did not call finish_test, and a verdict is required now. Call finish_test.";
    }
    throw new JudgeError(
      `The judge gave no usable verdict after ${MAX_VERDICT_ATTEMPTS} attempts (last problem: ${problem}). ` +
        "Give judgeAgent() a `model` that calls tools reliably: the judge answers through the finish_test tool.",
    );
  };

  return { criteria, call: judge };
}

function validateCriteria(criteria: unknown, where: string): string[] {
  if (!Array.isArray(criteria) || criteria.length === 0) {
    throw new ConfigurationError(
      `${where} needs a non-empty array of criteria, for example ["The agent asks for the order number"].`,
    );
  }
  const seen = new Set<string>();
  for (const [index, criterion] of criteria.entries()) {
    if (typeof criterion !== "string" || criterion.trim() === "") {
      throw new ConfigurationError(
        `${where}: criterion ${index + 1} is ${JSON.stringify(criterion)}; every criterion must be a non-empty string.`,
      );
    }
    if (seen.has(criterion)) {
      throw new ConfigurationError(`${where}: the criterion ${JSON.stringify(criterion)} is listed twice.`);
    }
    seen.add(criterion);
  }
  return [...criteria];
}

function validateInteger(value: unknown, name: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new ConfigurationError(
      `judgeAgent({ ${name} }) must be an integer of at least ${min}; got ${String(value)}.`,
    );
  }
  return value;
}

function validateCadence(value: unknown): JudgeCadence {
  if (value === undefined) return "auto";
  if (value === "auto" || value === "turn" || value === "end") return value;
  if (typeof value === "number" && Number.isInteger(value) && value >= 1) return value;
  throw new ConfigurationError(
    `judgeAgent({ judgeEvery }) must be "auto", "turn", "end" or a whole number of turns (>= 1); got ${JSON.stringify(value)}.`,
  );
}

/** Whether `proceed()` asks for a judgement after `turnsDone` turns (a required one is always asked). */
function isScheduled(cadence: JudgeCadence, turnsDone: number, minTurns: number, maxTurns: number): boolean {
  if (cadence === "turn") return true;
  if (cadence === "end") return false;
  if (typeof cadence === "number") return turnsDone % cadence === 0;
  if (turnsDone === minTurns) return true;
  // Powers of two: the judge's reads of a growing transcript sum to under twice its final length.
  // One that close to the last turn (whose verdict comes anyway) would shorten the run by less than a
  // third while costing the longest read yet, so it is left out.
  return Number.isInteger(Math.log2(turnsDone)) && (maxTurns - turnsDone) * 2 >= turnsDone;
}

function validateTraces(value: unknown): number | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_TRACE_TOKENS;
  const maxTokens = (value as { maxTokens?: unknown } | null)?.maxTokens;
  if (typeof value === "object" && value !== null && maxTokens === undefined) return DEFAULT_TRACE_TOKENS;
  if (typeof maxTokens === "number" && Number.isInteger(maxTokens) && maxTokens >= 100) return maxTokens;
  throw new ConfigurationError(
    `judgeAgent({ traces }) must be true, false or { maxTokens } with maxTokens a whole number of at least 100; got ${JSON.stringify(value)}.`,
  );
}

/** The agent's spans of the active run through the instrumentation contract, and their digest. */
function readAgentTrace(maxTokens: number): { digest: string; spans?: readonly TraceSpanRecord[] } {
  const spans = getScenarioInstrumentation()?.agentSpans?.();
  if (spans === undefined) return { digest: NO_TRACE };
  return { digest: renderTraceDigest(spans, { maxTokens }), spans };
}
