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
 * with every judgement. When to finish is said by the finish_test tool's description, and what the
 * verdicts mean by the criteria heading (`CRITERIA_HEADING`): both stay with custom instructions.
 */
export const DEFAULT_JUDGE_INSTRUCTIONS = `Judge the AI agent in the transcript by each criterion below, from what it shows alone (tool calls count), with brief evidence.`;

/**
 * Heads the criteria list and defines the verdicts in one line, sent whatever the instructions:
 * the finish_test schema then needs no definitions of its own, and a required verdict no reminder
 * that what is not settled yet is inconclusive.
 */
export const CRITERIA_HEADING =
  "Criteria (met; unmet: violated or no longer possible; inconclusive: not shown yet):";

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
 * a single user message). Providers can then reuse the cached prefix from call to call. Plain
 * headings rather than tags, and no closing line: the tool choice already says whether a verdict
 * is due, and every token here is paid on every judgement.
 */
export function buildJudgePrompt(input: JudgePromptInput): { system: string; messages: [UserModelMessage] } {
  const criteriaList = input.criteria.map((criterion, index) => `${index + 1}. ${criterion}`).join("\n");
  const system = `${input.instructions}\n\nScenario: ${input.description}\n\n${CRITERIA_HEADING}\n${criteriaList}`;
  const transcript = renderTranscript(input.messages) || "(The conversation has not started.)";
  const correction = input.correction ? `\n\nYour previous reply could not be used: ${input.correction}` : "";
  const tools = input.trace?.tools
    ? ` Call ${JUDGE_TRACE_TOOL_NAMES.grep} or ${JUDGE_TRACE_TOOL_NAMES.expand} when the digest does not show enough.`
    : "";
  const trace =
    input.trace === undefined
      ? ""
      : `\n\n<agent_trace>\n${input.trace.digest}\n</agent_trace>\n\nThe agent_trace shows the agent's own spans (its tool calls, their inputs and outputs, latencies and errors): they are part of its behaviour, so judge criteria about what it did from them.${tools}`;
  const text = `Transcript:\n${transcript}${trace}${correction}`;
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
