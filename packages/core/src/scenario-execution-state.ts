import {
  type ModelMessage,
  type ScenarioConfig,
  type ScenarioExecutionStateLike,
  ScriptError,
  type ToolCallPart,
  type ToolModelMessage,
} from "@scenario/spec";
import { isModelMessage } from "./agent-return";
import { describeValue } from "./describe-value";
import { createMessageId, createThreadId } from "./ids";

interface ConversationEntry {
  message: ModelMessage;
  /** Unique per entry, also when one message object is added twice. */
  id: string;
}

/** What the executor does to a state beyond its public surface. */
export interface StateControl {
  /** Appends a message and queues it for every agent except the one that produced it. */
  appendMessage(message: ModelMessage, producerIndex?: number): void;
  /**
   * The messages queued for an agent since its last call, and a function that removes exactly
   * those from its queue once the call is over (messages added meanwhile stay queued).
   */
  takePendingMessages(agentIndex: number): { messages: ModelMessage[]; acknowledge: () => void };
  /** Starts the next turn. */
  advanceTurn(): void;
  /** The stable ids of the conversation's messages, index for index. */
  messageIds(): string[];
  /** Called after every message added (verbose output hooks in here). */
  onMessageAdded(listener: (message: ModelMessage) => void): void;
}

const controls = new WeakMap<ScenarioExecutionState, StateControl>();

/** The executor's handle on a state; kept off the public class so users cannot skew the run. */
export function controlOf(state: ScenarioExecutionState): StateControl {
  const control = controls.get(state);
  if (!control) throw new TypeError("Not a ScenarioExecutionState created by @scenario/core.");
  return control;
}

/**
 * The state of one run: the conversation, the turn, and what each agent has not seen yet. Custom
 * steps and agents read it (`state.lastToolCallPart("search")?.input`) and may add or roll back messages.
 */
export class ScenarioExecutionState implements ScenarioExecutionStateLike {
  /** The conversation's thread id. */
  readonly threadId: string;
  /** The scenario's configuration. */
  readonly config: ScenarioConfig;
  private readonly entries: ConversationEntry[] = [];
  /** Per agent index: the entries that agent has not been given yet, in order. */
  private readonly queues: ConversationEntry[][];
  private turn = 0;
  private messageListener: ((message: ModelMessage) => void) | undefined;

  /**
   * @param config The scenario's configuration; one message queue is kept per `config.agents` entry,
   * and the thread id is `config.threadId`, else a fresh id.
   */
  constructor(config: ScenarioConfig) {
    this.config = config;
    this.threadId = config.threadId ?? createThreadId();
    this.queues = config.agents.map(() => []);
    controls.set(this, {
      appendMessage: (message, producerIndex) => this.append(message, producerIndex),
      takePendingMessages: (agentIndex) => this.takePending(agentIndex),
      advanceTurn: () => {
        this.turn += 1;
      },
      messageIds: () => this.entries.map((entry) => entry.id),
      onMessageAdded: (listener) => {
        this.messageListener = listener;
      },
    });
  }

  /** A copy of the conversation so far; changing it does not change the run. */
  get messages(): ModelMessage[] {
    return this.entries.map((entry) => entry.message);
  }

  /** The current turn, starting at 0. */
  get currentTurn(): number {
    return this.turn;
  }

  /** The scenario's description. */
  get description(): string {
    return this.config.description;
  }

  /** The last message, or undefined when there is none. */
  lastMessage(): ModelMessage | undefined {
    return this.entries.at(-1)?.message;
  }

  /** The last user message, or undefined. */
  lastUserMessage(): ModelMessage | undefined {
    return this.findLast((message) => message.role === "user");
  }

  /** The last agent (assistant) message, or undefined. */
  lastAgentMessage(): ModelMessage | undefined {
    return this.findLast((message) => message.role === "assistant");
  }

  /**
   * The last tool message (`role: "tool"`) holding a result of the named tool, or undefined when there
   * is none: the message, as `@langwatch/scenario` returns it. The call's input is on
   * `lastToolCallPart()`; a call whose result never came (a tool the agent only announced) has no
   * tool message.
   */
  lastToolCall(toolName: string): ToolModelMessage | undefined {
    const found = this.findLast(
      (message) =>
        message.role === "tool" &&
        message.content.some((part) => part.type === "tool-result" && part.toolName === toolName),
    );
    return found as ToolModelMessage | undefined;
  }

  /** The last call of the named tool (its `toolCallId` and `input`), or undefined when it was never called. */
  lastToolCallPart(toolName: string): ToolCallPart | undefined {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const message = this.entries[index]!.message;
      if (message.role !== "assistant" || typeof message.content === "string") continue;
      for (let partIndex = message.content.length - 1; partIndex >= 0; partIndex--) {
        const part = message.content[partIndex]!;
        if (part.type === "tool-call" && part.toolName === toolName) return part;
      }
    }
    return undefined;
  }

  /**
   * Whether the named tool was called at any point: a call of it or a result of it is in the
   * conversation (the reference looks at results only; a call still waiting for its result counts here).
   */
  hasToolCall(toolName: string): boolean {
    return this.lastToolCall(toolName) !== undefined || this.lastToolCallPart(toolName) !== undefined;
  }

  /** Appends a message to the conversation and queues it for every agent. */
  addMessage(message: ModelMessage): void {
    this.append(message);
  }

  /**
   * Removes the messages from `index` on (clamped to the length) from the conversation and from
   * every agent's pending queue, and returns them. Throws a `RangeError` on a negative index (or one
   * that is not a whole number), as `@langwatch/scenario` does.
   */
  rollbackMessagesTo(index: number): ModelMessage[] {
    if (!Number.isInteger(index) || index < 0) {
      throw new RangeError(
        `rollbackMessagesTo(${String(index)}): the index must be a whole number of 0 or more, the position ` +
          "of the first message to remove (0 removes every message, state.messages.length none).",
      );
    }
    const removed = this.entries.splice(Math.min(index, this.entries.length));
    if (removed.length > 0) {
      const removedEntries = new Set(removed);
      for (const queue of this.queues) {
        const kept = queue.filter((entry) => !removedEntries.has(entry));
        queue.splice(0, queue.length, ...kept);
      }
    }
    return removed.map((entry) => entry.message);
  }

  private append(message: ModelMessage, producerIndex?: number): void {
    assertMessage(message);
    const entry: ConversationEntry = { message, id: createMessageId() };
    this.entries.push(entry);
    this.queues.forEach((queue, agentIndex) => {
      if (agentIndex !== producerIndex) queue.push(entry);
    });
    this.messageListener?.(message);
  }

  private takePending(agentIndex: number): { messages: ModelMessage[]; acknowledge: () => void } {
    const queue = this.queues[agentIndex] ?? [];
    const delivered = new Set(queue);
    return {
      messages: queue.map((entry) => entry.message),
      acknowledge: () => {
        const kept = queue.filter((entry) => !delivered.has(entry));
        queue.splice(0, queue.length, ...kept);
      },
    };
  }

  private findLast(predicate: (message: ModelMessage) => boolean): ModelMessage | undefined {
    for (let index = this.entries.length - 1; index >= 0; index--) {
      const message = this.entries[index]!.message;
      if (predicate(message)) return message;
    }
    return undefined;
  }
}

function assertMessage(message: unknown): asserts message is ModelMessage {
  if (!isModelMessage(message)) {
    throw new ScriptError(
      `Cannot add ${describeValue(message)} to the conversation: a message is an object with a role ` +
        `("user", "assistant", "system" or "tool") and content (a string or an array of parts), e.g. { role: "user", content: "Hi" }.`,
    );
  }
}
