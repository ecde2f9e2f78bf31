import { renderTranscript } from "@scenario/llm";
import {
  type FilePart,
  JUDGE_TRACE_TOOL_NAMES,
  type ModelMessage,
  type TextPart,
  type UserModelMessage,
} from "@scenario/spec";

/**
 * The judge's default instructions; `systemPrompt` replaces them. Short on purpose: they are sent
 * with every judgement, and the verdict values are defined here at length, in the tools briefly.
 */
export const DEFAULT_JUDGE_INSTRUCTIONS = `You judge an automated test of an AI agent. Judge each criterion below from the conversation alone (the agent's tool calls and their results count): "met" if it shows the criterion satisfied, "unmet" if it shows it violated or no longer possible, "inconclusive" if it has not shown enough yet. Give brief evidence; assume nothing the conversation does not show. Call finish_test once every criterion can be decided or one is clearly unmet, else continue_test.`;

/** What the judge knows about the call it is making. */
export interface JudgePromptInput {
  /** The instructions: `systemPrompt` or the default. */
  instructions: string;
  /** The scenario's description. */
  description: string;
  /** The criteria to judge. */
  criteria: readonly string[];
  /** The conversation so far. */
  messages: readonly ModelMessage[];
  /** True when a verdict is required now. */
  required: boolean;
  /** Set on a retry: what was wrong with the previous reply. */
  correction?: string | undefined;
  /** Also send the conversation's audio (voice turns), for a model that hears. */
  includeAudio?: boolean | undefined;
  /**
   * The digest of the agent's spans (`judgeAgent({ traces: true })`), or the note that none was
   * recorded; sent after the transcript.
   */
  trace?: { digest: string; tools: boolean } | undefined;
}

/**
 * Builds the judge's prompt so that what stays the same during a run comes first (instructions,
 * scenario, criteria: the system prompt) and what grows comes last (the transcript, sent once as
 * a single user message). Providers can then reuse the cached prefix from call to call.
 */
export function buildJudgePrompt(input: JudgePromptInput): { system: string; messages: [UserModelMessage] } {
  const criteriaList = input.criteria.map((criterion, index) => `${index + 1}. ${criterion}`).join("\n");
  const system = `${input.instructions}\n\n<scenario>\n${input.description}\n</scenario>\n\n<criteria>\n${criteriaList}\n</criteria>`;
  const transcript = renderTranscript(input.messages) || "(The conversation has not started.)";
  const ask = input.required
    ? "A verdict is required now: call finish_test. A criterion not settled yet is inconclusive."
    : "Decide: finish_test or continue_test.";
  const correction = input.correction ? `\n\nYour previous reply could not be used: ${input.correction}` : "";
  const tools = input.trace?.tools
    ? ` Call ${JUDGE_TRACE_TOOL_NAMES.grep} or ${JUDGE_TRACE_TOOL_NAMES.expand} when the digest does not show enough.`
    : "";
  const trace =
    input.trace === undefined
      ? ""
      : `\n\n<agent_trace>\n${input.trace.digest}\n</agent_trace>\n\nThe agent_trace shows the agent's own spans (its tool calls, their inputs and outputs, latencies and errors): they are part of its behaviour, so judge criteria about what it did from them.${tools}`;
  const text = `<transcript>\n${transcript}\n</transcript>${trace}\n\n${ask}${correction}`;
  const audio = input.includeAudio ? audioParts(input.messages) : [];
  return {
    system,
    messages: [{ role: "user", content: audio.length > 0 ? [{ type: "text", text }, ...audio] : text }],
  };
}

/** The conversation's audio, each recording labelled with its turn's speaker and words. */
function audioParts(messages: readonly ModelMessage[]): Array<TextPart | FilePart> {
  const parts: Array<TextPart | FilePart> = [];
  for (const message of messages) {
    if ((message.role !== "user" && message.role !== "assistant") || typeof message.content === "string")
      continue;
    for (const part of message.content) {
      if (part.type !== "file" || !part.mediaType.startsWith("audio/")) continue;
      const speaker = message.role === "user" ? "User" : "Agent";
      parts.push({ type: "text", text: `Audio of this ${speaker} turn (${parts.length / 2 + 1}):` }, part);
    }
  }
  return parts;
}
