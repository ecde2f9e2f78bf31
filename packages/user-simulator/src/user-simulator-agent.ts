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
  UserSimulatorError,
} from "@scenario/spec";
import { generateText, type LanguageModel } from "ai";
import { checkUserLine } from "./check-user-line";
import { buildSimulatorPrompt, DEFAULT_USER_SIMULATOR_INSTRUCTIONS } from "./simulator-prompt";

/** Options of `userSimulatorAgent()`. */
export interface UserSimulatorAgentOptions {
  /**
   * The model that plays the user. Any AI SDK language model.
   * @default configureScenarioLLM's defaultModel, else OpenAI's SCENARIO_MODEL or gpt-4.1-mini
   */
  model?: LanguageModel;
  /** Who the user is and how they talk ("an impatient customer who types in lowercase"). */
  persona?: string;
  /**
   * Replaces the simulator's instructions. The scenario's description and the persona are always
   * appended after them.
   */
  systemPrompt?: string;
  /** Sampling temperature. @default the provider's */
  temperature?: number;
  /** The most tokens one user line may take. @default the provider's */
  maxTokens?: number;
  /** The adapter's display name. @default "UserSimulatorAgent" */
  name?: string;
  /** Retry, backoff and timeout of its model calls, over `configureScenarioLLM({ retry })`. */
  retry?: RetryOptions;
}

/**
 * The LLM user simulator as a class, as `@langwatch/scenario` exports it:
 * `new UserSimulatorAgent(options)` and `userSimulatorAgent(options)` build the same adapter, so
 * `instanceof UserSimulatorAgent` holds for both. A subclass may override `call()` and still reach
 * the simulator with `super.call(input)`.
 */
export class UserSimulatorAgent implements AgentAdapter {
  /** Always `AgentRole.USER`. */
  readonly role = AgentRole.USER;
  /** The adapter's display name. */
  name: string;
  readonly #speak: (input: AgentInput) => Promise<string>;

  /** Validates the options (a `ConfigurationError` says what to fix) and builds the simulator. */
  constructor(options: UserSimulatorAgentOptions = {}) {
    this.#speak = buildUserSimulator(options);
    this.name = options.name ?? "UserSimulatorAgent";
  }

  /** Writes the user's next message. */
  call(input: AgentInput): Promise<string> {
    return this.#speak(input);
  }
}

const MAX_LINE_ATTEMPTS = 3;
const ROLE_HEADER = { "X-Scenario-Role": "user-simulator" };

/**
 * Creates an LLM that plays the scenario's user, as its `description` (and `persona`) describe:
 * it opens the conversation when it is empty and answers the agent otherwise, one message per
 * call. A reply that is empty, slips into the assistant's part or leaks the simulator's reasoning
 * is generated again (up to 3 attempts in all), then fails with `UserSimulatorError`. Returns a
 * `UserSimulatorAgent` instance (the same as `new UserSimulatorAgent(options)`).
 */
export function userSimulatorAgent(options: UserSimulatorAgentOptions = {}): UserSimulatorAgent {
  return new UserSimulatorAgent(options);
}

// The simulator itself; the UserSimulatorAgent class wraps it, so factory and class build the same.
function buildUserSimulator(options: UserSimulatorAgentOptions): (input: AgentInput) => Promise<string> {
  if (options === null || typeof options !== "object") {
    throw new ConfigurationError(
      "userSimulatorAgent(options) takes an options object, for example { persona }.",
    );
  }
  const { temperature, maxTokens } = validateSamplingOptions(options, "userSimulatorAgent");
  if (options.persona !== undefined && typeof options.persona !== "string") {
    throw new ConfigurationError("userSimulatorAgent({ persona }) must be a string describing the user.");
  }
  const instructions = options.systemPrompt ?? DEFAULT_USER_SIMULATOR_INSTRUCTIONS;

  const speak = async (input: AgentInput): Promise<string> => {
    const model = resolveParticipantModel({
      model: options.model,
      participant: "userSimulatorAgent()",
      cacheKey: input.scenarioConfig.cacheKey,
      recordUsage: input.recordUsage,
    });
    const problems: string[] = [];
    for (let attempt = 1; attempt <= MAX_LINE_ATTEMPTS; attempt++) {
      const { system, messages } = buildSimulatorPrompt({
        instructions,
        description: input.scenarioConfig.description,
        persona: options.persona,
        messages: input.messages,
        correction:
          problems.length > 0 ? `${problems.at(-1)}. Write only what the user says next.` : undefined,
      });
      const result = await callParticipantModel(
        ({ signal }) =>
          generateText({
            model,
            system,
            messages,
            temperature,
            maxOutputTokens: maxTokens,
            headers: ROLE_HEADER,
            abortSignal: signal,
            maxRetries: 0,
            ...aiTelemetrySettings("scenario.user-simulator"),
          }),
        {
          retry: options.retry,
          signal: input.signal,
          label: `User simulator call to ${model.provider}/${model.modelId}`,
        },
      );
      const checked = checkUserLine(result.text);
      if (checked.ok) return checked.line;
      problems.push(checked.problem);
    }
    throw new UserSimulatorError(
      `The user simulator gave no usable message in ${MAX_LINE_ATTEMPTS} attempts (${problems.join("; ")}). ` +
        `Try another model, or make the scenario's description say more clearly who the user is.`,
    );
  };

  return speak;
}
