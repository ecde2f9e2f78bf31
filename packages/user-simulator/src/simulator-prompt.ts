import { renderMessageText } from "@scenario/llm";
import type { ModelMessage } from "@scenario/spec";

/** The simulator's default instructions; `systemPrompt` replaces them. */
export const DEFAULT_USER_SIMULATOR_INSTRUCTIONS = `You are role-playing the user of an AI agent, to test that agent. Stay in character as this user for the whole conversation.

How to write:
- Write only the user's next message: no labels such as "User:", no quotation marks around it, no stage directions, no notes about the test.
- Write the way a real person types in a chat: short, plain, one message at a time.
- You are the user, not the assistant: do not offer help, do not answer your own questions, do not explain what the agent should do.
- Pursue what the scenario says the user wants. Never reveal that you are simulated.`;

/** The line the simulator gets when it is to open the conversation. */
export const OPENING_REQUEST =
  "(The conversation has not started yet. Write your first message to the agent.)";
/** The line the simulator gets when the agent has not answered its last message. */
export const FOLLOW_UP_REQUEST = "(The agent has not replied yet. Write your next message.)";

/** The simulator's model input: a system prompt and the conversation with the roles flipped. */
export interface SimulatorPrompt {
  /** Instructions, scenario and persona. */
  system: string;
  /** The conversation as the simulator sees it: its own lines are `assistant`, the agent's `user`. */
  messages: Array<{ role: "user" | "assistant"; content: string }>;
}

/**
 * Builds the simulator's prompt. The roles are flipped so the model writes the user's lines: the
 * scenario's user messages become `assistant` messages and the agent's become `user` messages,
 * with the agent's tool calls and results written out as text of its turn. Consecutive messages of
 * one side are joined. System messages of the conversation are left out.
 */
export function buildSimulatorPrompt(input: {
  instructions: string;
  description: string;
  persona?: string | undefined;
  messages: readonly ModelMessage[];
  correction?: string | undefined;
}): SimulatorPrompt {
  const persona = input.persona?.trim() ? `\n\n<persona>\n${input.persona.trim()}\n</persona>` : "";
  const system = `${input.instructions}\n\n<scenario>\n${input.description}\n</scenario>${persona}`;

  const messages: SimulatorPrompt["messages"] = [];
  for (const message of input.messages) {
    if (message.role === "system") continue;
    const role = message.role === "user" ? "assistant" : "user";
    const text = renderMessageText(message);
    if (text.trim() === "") continue;
    const previous = messages.at(-1);
    if (previous?.role === role) previous.content = `${previous.content}\n${text}`;
    else messages.push({ role, content: text });
  }
  if (messages.length === 0) messages.push({ role: "user", content: OPENING_REQUEST });
  else if (messages.at(-1)?.role === "assistant") messages.push({ role: "user", content: FOLLOW_UP_REQUEST });
  if (input.correction) {
    const last = messages.at(-1)!;
    last.content = `${last.content}\n\n(Your previous reply could not be used: ${input.correction})`;
  }
  return { system, messages };
}
