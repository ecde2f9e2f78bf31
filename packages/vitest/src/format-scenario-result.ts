import type { CriterionVerdict, ModelMessage, ScenarioResult } from "@scenario/spec";

/** How much of the conversation a failure message shows. */
export interface FormatScenarioResultOptions {
  /** The last messages shown; earlier ones are counted, not printed. @default 12 */
  lastMessages?: number;
  /** The longest a message may be before it is cut (with `…`), in characters. @default 600 */
  maxMessageLength?: number;
}

const DEFAULT_LAST_MESSAGES = 12;
const DEFAULT_MAX_MESSAGE_LENGTH = 600;

/**
 * The verdict of a run as text for a failing assertion: status and reasoning, every criterion
 * with its verdict and the judge's reasoning (unmet first), the error when the run errored, and a
 * compact transcript of the last messages with tool calls and results.
 */
export function formatScenarioResult(
  result: ScenarioResult,
  options: FormatScenarioResultOptions = {},
): string {
  const lines = [`Scenario ${result.status} (run ${result.runId})`];
  if (result.reasoning) lines.push(`Reasoning: ${result.reasoning}`);
  if (result.error && result.error !== result.reasoning) lines.push(`Error: ${result.error}`);
  const criteria = criteriaOf(result);
  if (criteria.length > 0) {
    lines.push("Criteria:");
    // Unmet first: they are why the assertion failed.
    const ordered = [
      ...criteria.filter((entry) => entry.verdict !== "met"),
      ...criteria.filter((entry) => entry.verdict === "met"),
    ];
    for (const entry of ordered) {
      const mark = entry.verdict === "met" ? "✓" : entry.verdict === "unmet" ? "✗" : "?";
      lines.push(`  ${mark} ${entry.criterion}`);
      // The reasoning of met criteria is noise in a failure; the console reporter omits it too.
      if (entry.reasoning && entry.verdict !== "met") lines.push(`      ${entry.reasoning}`);
    }
  }
  lines.push(...formatTranscriptTail(result.messages, options));
  return lines.join("\n");
}

/** The criteria with verdicts: the judge's own when it gave them, else from the met/unmet lists. */
export function criteriaOf(result: Pick<ScenarioResult, "criteria" | "metCriteria" | "unmetCriteria">) {
  if (result.criteria !== undefined && result.criteria.length > 0) return result.criteria;
  return [
    ...result.unmetCriteria.map(
      (criterion): CriterionVerdict => ({ criterion, verdict: "unmet", reasoning: "" }),
    ),
    ...result.metCriteria.map(
      (criterion): CriterionVerdict => ({ criterion, verdict: "met", reasoning: "" }),
    ),
  ];
}

/** `Transcript (last n of m messages):` and one indented line per message, tool calls included. */
export function formatTranscriptTail(
  messages: readonly ModelMessage[],
  options: FormatScenarioResultOptions = {},
): string[] {
  if (messages.length === 0) return ["Transcript: (no messages)"];
  const last = Math.max(1, options.lastMessages ?? DEFAULT_LAST_MESSAGES);
  const maxLength = options.maxMessageLength ?? DEFAULT_MAX_MESSAGE_LENGTH;
  const shown = messages.slice(-last);
  const heading =
    shown.length === messages.length
      ? `Transcript (${messages.length} message${messages.length === 1 ? "" : "s"}):`
      : `Transcript (last ${shown.length} of ${messages.length} messages):`;
  // Tool results name their tool; calls earlier than the shown tail are looked up too.
  const toolNames = new Map<string, string>();
  for (const message of messages) {
    for (const part of partsOf(message)) {
      if (part.type === "tool-call") toolNames.set(String(part.toolCallId), String(part.toolName));
    }
  }
  return [heading, ...shown.flatMap((message) => messageLines(message, toolNames, maxLength))];
}

interface LoosePart {
  type: string;
  text?: unknown;
  toolCallId?: unknown;
  toolName?: unknown;
  input?: unknown;
  output?: unknown;
  mediaType?: unknown;
}

function partsOf(message: ModelMessage): LoosePart[] {
  const content = (message as { content: unknown }).content;
  return Array.isArray(content) ? (content as LoosePart[]) : [];
}

function messageLines(message: ModelMessage, toolNames: Map<string, string>, maxLength: number): string[] {
  const speaker = message.role === "assistant" ? "Agent" : message.role === "user" ? "User" : "System";
  const content = (message as { content: unknown }).content;
  if (typeof content === "string") return [`  ${speaker}: ${cut(content, maxLength)}`];
  const lines: string[] = [];
  for (const part of partsOf(message)) {
    switch (part.type) {
      case "text":
        if (typeof part.text === "string" && part.text !== "") {
          lines.push(`  ${speaker}: ${cut(part.text, maxLength)}`);
        }
        break;
      case "tool-call":
        lines.push(`  Agent calls ${String(part.toolName)}(${cut(json(part.input), maxLength)})`);
        break;
      case "tool-result": {
        const name = toolNames.get(String(part.toolCallId)) ?? String(part.toolName ?? "Tool");
        lines.push(`  ${name} returned: ${cut(toolOutputText(part.output), maxLength)}`);
        break;
      }
      case "file":
      case "image":
        lines.push(`  ${speaker}: [${String(part.mediaType ?? part.type)}]`);
        break;
    }
  }
  return lines;
}

// AI SDK 6 and 7 both wrap tool outputs as { type, value }; older shapes are shown as JSON.
function toolOutputText(output: unknown): string {
  if (typeof output === "object" && output !== null && "value" in output) {
    const value = (output as { value: unknown }).value;
    return typeof value === "string" ? value : json(value);
  }
  return typeof output === "string" ? output : json(output);
}

function json(value: unknown): string {
  try {
    return JSON.stringify(value) ?? String(value);
  } catch {
    return String(value);
  }
}

function cut(text: string, maxLength: number): string {
  const flat = text.replace(/\s*\n\s*/g, " ⏎ ");
  return flat.length > maxLength ? `${flat.slice(0, maxLength - 1)}…` : flat;
}
