import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type AgentStreamPart,
  type ModelMessage,
} from "@scenario/spec";
import type { ModelMessage as AiModelMessage, generateText } from "ai";
import { StepMessages } from "./step-messages";
import { type AiSdkUsage, toTokenUsage } from "./to-token-usage";

/**
 * The `generateText()` / `streamText()` options of the agent: `model`, `system`, `tools`,
 * `stopWhen` and the rest, as the installed `ai` defines them. The adapter fills in `messages`
 * (the conversation) and `abortSignal` on every turn.
 */
export type AiSdkCallSettings = Omit<
  Parameters<typeof generateText>[0],
  "prompt" | "messages" | "abortSignal"
>;

/** What a `generateText()` result (or an agent's `generate()`) holds, in AI SDK 6 or 7. */
export interface AiSdkGenerateResult {
  /** AI SDK 6: every step's messages. AI SDK 7: the last step's only. `modelId`: the model that answered. */
  response: { messages: readonly unknown[]; modelId?: string };
  /** AI SDK 7: every step's messages. */
  responseMessages?: readonly unknown[];
  /** Tokens summed over the steps. */
  totalUsage?: AiSdkUsage;
  /** The last step's tokens, when `totalUsage` is absent. */
  usage?: AiSdkUsage;
}

/** What a `streamText()` result (or an agent's `stream()`) holds, in AI SDK 6 or 7. */
export interface AiSdkStreamResult {
  /** Every part of the answer as it arrives. */
  fullStream: AsyncIterable<{ type: string; text?: string; delta?: string; error?: unknown }>;
  /** AI SDK 6: every step's messages. AI SDK 7: the last step's only. `modelId`: the model that answered. */
  response: PromiseLike<{ messages: readonly unknown[]; modelId?: string }>;
  /** AI SDK 7: every step's messages. */
  responseMessages?: PromiseLike<readonly unknown[]>;
  /** Tokens summed over the steps. */
  totalUsage?: PromiseLike<AiSdkUsage>;
}

/** What the adapter hands an agent object on each turn. */
export interface AiSdkAgentCall {
  /** The whole conversation. */
  messages: AiModelMessage[];
  /** Aborted when the run is cancelled or the reply interrupted. */
  abortSignal?: AbortSignal;
}

/**
 * An AI SDK agent object, such as a `ToolLoopAgent` (or anything with the same `generate()` and
 * `stream()`).
 */
export interface AiSdkAgentObject {
  /** Answers the conversation in one go. */
  generate(options: AiSdkAgentCall): PromiseLike<AiSdkGenerateResult>;
  /** Answers the conversation as a stream. */
  stream?(options: AiSdkAgentCall): PromiseLike<AiSdkStreamResult> | AiSdkStreamResult;
}

/** Options every form of `aiSdkAgent()` takes. */
export interface AiSdkAgentCommonOptions {
  /** The adapter's name, in errors and reports. @default "AiSdkAgent" */
  name?: string;
  /**
   * Streams the answer (`streamText()` or the agent's `stream()`) instead of waiting for it. A
   * streaming adapter can be interrupted: `interrupt()` stops the reply and the turn keeps the
   * text produced so far. It also has `stream()`, which hands out the text as it is written and
   * each step's messages (tool call, tool result, answer) as the step finishes, for consumers such
   * as `composableAgent()` that speak a reply while it is written.
   * @default false
   */
  stream?: boolean;
  /** Called with each piece of text as it streams in (with `stream: true`). */
  onTextDelta?: (text: string) => void;
}

/** Options of `aiSdkAgent()`: the settings of `generateText()`/`streamText()`, or an agent object. */
export type AiSdkAgentOptions = AiSdkAgentCommonOptions & (AiSdkCallSettings | { agent: AiSdkAgentObject });

/** What `aiSdkAgent({ stream: true })` returns: an agent adapter that streams and can be interrupted. */
export type StreamingAiSdkAgent = AgentAdapter & Required<Pick<AgentAdapter, "stream" | "interrupt">>;

// Loaded on first use: AI SDK 7 is ESM-only, and a static import would stop our CommonJS build
// from loading there; import() works from both builds.
let aiModule: Promise<typeof import("ai")> | undefined;
function loadAi(): Promise<typeof import("ai")> {
  aiModule ??= import("ai");
  return aiModule;
}

/** Why an interrupted reply's abort signal fired, so the adapter can tell it from a failure. */
class ReplyInterrupted extends Error {
  constructor() {
    super("The reply was interrupted.");
    this.name = "ReplyInterrupted";
  }
}

function isAgentForm(
  options: AiSdkAgentOptions,
): options is AiSdkAgentCommonOptions & { agent: AiSdkAgentObject } {
  return "agent" in options && options.agent !== undefined;
}

/** A model's id and provider: a model object's own, or a gateway id string's (`openai/gpt-4.1-mini`). */
function modelIdentity(model: unknown): { modelId?: string; provider?: string } {
  if (typeof model === "string") {
    const slash = model.indexOf("/");
    return slash > 0
      ? { provider: model.slice(0, slash), modelId: model.slice(slash + 1) }
      : { modelId: model };
  }
  const candidate = model as { modelId?: unknown; provider?: unknown } | undefined;
  return {
    ...(typeof candidate?.modelId === "string" ? { modelId: candidate.modelId } : {}),
    ...(typeof candidate?.provider === "string" ? { provider: candidate.provider } : {}),
  };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * The agent under test built with the Vercel AI SDK: each turn runs `generateText()` (or
 * `streamText()`, or the given agent object) on the whole conversation and returns every message
 * it produced — tool calls, tool results and the answer — and reports the tokens used. With
 * `stream: true` it also implements `stream()`, the same reply piece by piece. Works with `ai` 6 and 7.
 *
 * @example
 * aiSdkAgent({ model: openai("gpt-4.1-mini"), system: "You are a support agent.", tools, stopWhen: isStepCount(5) });
 * aiSdkAgent({ agent: new ToolLoopAgent({ model, tools }), stream: true });
 */
export function aiSdkAgent(options: AiSdkAgentOptions & { stream: true }): StreamingAiSdkAgent;
export function aiSdkAgent(options: AiSdkAgentOptions): AgentAdapter;
export function aiSdkAgent(options: AiSdkAgentOptions): AgentAdapter {
  const { name = "AiSdkAgent", stream = false, onTextDelta, ...rest } = options;
  const agent = isAgentForm(options) ? options.agent : undefined;
  const settings = rest as AiSdkCallSettings;
  let inFlight: AbortController | undefined;

  const generate = async (call: AiSdkAgentCall): Promise<AiSdkGenerateResult> => {
    if (agent) return agent.generate(call);
    const ai = await loadAi();
    return ai.generateText({ ...settings, ...call } as never) as PromiseLike<AiSdkGenerateResult>;
  };

  const startStream = async (call: AiSdkAgentCall, steps: StepMessages): Promise<AiSdkStreamResult> => {
    if (!agent) {
      const ai = await loadAi();
      // AI SDK 7 calls it onStepEnd (onStepFinish stays as its alias); AI SDK 6 knows onStepFinish.
      const callbacks = settings as {
        onStepEnd?: (step: never) => unknown;
        onStepFinish?: (step: never) => unknown;
      };
      const own = callbacks.onStepEnd ?? callbacks.onStepFinish;
      const finished = new WeakSet<object>();
      // Each step's messages go out as the step finishes, so a tool call is seen before the answer.
      const onStep = async (step: { response?: { messages?: readonly unknown[] } }) => {
        if (finished.has(step)) return;
        finished.add(step);
        steps.add(step.response?.messages ?? []);
        await own?.(step as never);
      };
      return ai.streamText({
        // The error reaches the caller as an AgentCallError; streamText's default onError would also log it.
        onError: () => {},
        ...settings,
        ...call,
        onStepFinish: onStep,
        onStepEnd: onStep,
      } as never) as unknown as AiSdkStreamResult;
    }
    if (typeof agent.stream !== "function") {
      throw new TypeError("the agent object has no stream() method; pass `stream: false` to use generate().");
    }
    return agent.stream(call);
  };

  /** The reply's parts as they come; an interrupted reply ends quietly after the text said so far. */
  async function* streamParts(
    input: AgentInput,
    call: AiSdkAgentCall,
    controller: AbortController,
  ): AsyncGenerator<AgentStreamPart> {
    const steps = new StepMessages();
    const result = await startStream(call, steps);
    try {
      for await (const part of result.fullStream) {
        for (const message of steps.take()) yield { type: "message", message };
        if (part.type === "text-delta") {
          const text = part.text ?? part.delta ?? "";
          if (text === "") continue;
          onTextDelta?.(text);
          yield { type: "text-delta", text };
        } else if (part.type === "error") {
          throw part.error;
        }
      }
    } catch (error) {
      if (!controller.signal.aborted) throw error;
    }
    // An interrupted reply's steps never finished, so there is no usage.
    if (controller.signal.aborted) return;
    const all = await (result.responseMessages ?? Promise.resolve(result.response).then((r) => r.messages));
    for (const message of steps.rest(all)) yield { type: "message", message };
    record(input, await result.totalUsage, (await result.response)?.modelId);
  }

  /** Starts a reply: its abort controller (for `interrupt()`) and the framework's call options. */
  function begin(input: AgentInput): { controller: AbortController; call: AiSdkAgentCall } {
    const controller = new AbortController();
    inFlight = controller;
    const abortSignal = input.signal ? AbortSignal.any([input.signal, controller.signal]) : controller.signal;
    // The AI SDK is stateless: it is handed the whole conversation, `newMessages` included.
    return { controller, call: { messages: input.messages as unknown as AiModelMessage[], abortSignal } };
  }

  function callError(error: unknown): AgentCallError {
    const what = agent
      ? stream
        ? "agent.stream()"
        : "agent.generate()"
      : stream
        ? "streamText()"
        : "generateText()";
    return new AgentCallError(name, `${what} failed: ${messageOf(error)}`, { cause: error });
  }

  /**
   * The streamed reply, with failures as AgentCallErrors. Leaving the loop early (a consumer's
   * `break`) aborts the model call.
   */
  async function* streamReply(input: AgentInput): AsyncGenerator<AgentStreamPart> {
    const { controller, call } = begin(input);
    let done = false;
    try {
      yield* streamParts(input, call, controller);
      done = true;
    } catch (error) {
      done = true;
      throw callError(error);
    } finally {
      if (!done) controller.abort(new ReplyInterrupted());
      if (inFlight === controller) inFlight = undefined;
    }
  }

  // The model id and provider let the run price the agent's calls: the model that answered, else
  // the configured one (an agent object keeps its model private, so only the answer names it).
  const configuredModel = modelIdentity(settings.model);
  function record(input: AgentInput, usage: AiSdkUsage | undefined, answeredBy?: string): void {
    const tokens = toTokenUsage(usage);
    if (!tokens) return;
    const modelId = answeredBy || configuredModel.modelId;
    input.recordUsage({
      ...tokens,
      ...(modelId ? { modelId } : {}),
      ...(configuredModel.provider ? { provider: configuredModel.provider } : {}),
    });
  }

  const adapter: AgentAdapter = {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name,
    async call(input: AgentInput): Promise<AgentReturn> {
      if (stream) return collectReply(streamReply(input));
      const { controller, call } = begin(input);
      try {
        const result = await generate(call);
        record(input, result.totalUsage ?? result.usage, result.response?.modelId);
        const messages = [...(result.responseMessages ?? result.response.messages)] as ModelMessage[];
        return messages.length === 0 ? null : messages;
      } catch (error) {
        throw callError(error);
      } finally {
        if (inFlight === controller) inFlight = undefined;
      }
    },
  };
  if (stream) {
    adapter.stream = streamReply;
    adapter.interrupt = () => {
      inFlight?.abort(new ReplyInterrupted());
    };
  }
  return adapter;
}

/**
 * A streamed reply as `call()` returns it: its messages, and after an interruption, the text of the
 * step that never finished.
 */
async function collectReply(parts: AsyncIterable<AgentStreamPart>): Promise<AgentReturn> {
  const messages: ModelMessage[] = [];
  let unfinished = "";
  for await (const part of parts) {
    if (part.type === "text-delta") {
      unfinished += part.text;
    } else {
      messages.push(part.message);
      if (part.message.role === "assistant") unfinished = "";
    }
  }
  if (unfinished !== "") messages.push({ role: "assistant", content: unfinished });
  return messages.length === 0 ? null : messages;
}
