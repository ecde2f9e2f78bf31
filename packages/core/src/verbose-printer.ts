import type { ModelMessage } from "@scenario/spec";

/** Where verbose output and the debug prompt write; any writable stream fits. */
export interface TextOutput {
  write(text: string): unknown;
}

/** One message of a verbose run, described for a printer to lay out and style. */
export interface VerboseLine {
  /** The scenario's name, so the output of concurrent runs stays readable. */
  scenarioName: string;
  /** Who speaks, as people say it: `User`, `Agent`, `Tool` or `System`. */
  label: string;
  /** The message as one line of text: its text parts, `[tool call name(input)]`, `[tool result …]`, `[file …]`. */
  text: string;
  /** The message itself, for printers that want more than the text. */
  message: ModelMessage;
}

/**
 * Prints one message of a verbose run (`verbose: true`), called as each message is added. Core's
 * default, `plainVerbosePrinter`, writes plain text; `@scenario/kit` and the `scenario` CLI pass a
 * coloured one. Give your own through `ScenarioExecutionOptions.verbosePrinter`.
 */
export type VerbosePrinter = (line: VerboseLine, output: TextOutput) => void;

/** Core's default verbose printer: `[scenario name] User: text`, one line per message, no colours. */
export const plainVerbosePrinter: VerbosePrinter = (line, output) => {
  output.write(`[${line.scenarioName}] ${line.label}: ${line.text}\n`);
};

/** Describes a message for a verbose printer. */
export function toVerboseLine(scenarioName: string, message: ModelMessage): VerboseLine {
  return { scenarioName, label: roleLabel(message.role), text: describeMessage(message), message };
}

function roleLabel(role: string): string {
  switch (role) {
    case "user":
      return "User";
    case "assistant":
      return "Agent";
    case "tool":
      return "Tool";
    case "system":
      return "System";
    default:
      return role;
  }
}

function describeMessage(message: ModelMessage): string {
  if (typeof message.content === "string") return message.content;
  const pieces: string[] = [];
  for (const part of message.content) {
    switch (part.type) {
      case "text":
        pieces.push(part.text);
        break;
      case "tool-call":
        pieces.push(`[tool call ${part.toolName}(${safeJson(part.input)})]`);
        break;
      case "tool-result":
        pieces.push(`[tool result ${part.toolName}: ${safeJson(part.output)}]`);
        break;
      case "file":
        pieces.push(`[file ${part.mediaType}]`);
        break;
      case "image":
        pieces.push("[image]");
        break;
      default:
        break;
    }
  }
  return pieces.join(" ");
}

function safeJson(value: unknown): string {
  try {
    const text = typeof value === "string" ? value : JSON.stringify(value);
    return text.length > 300 ? `${text.slice(0, 300)}…` : text;
  } catch {
    return String(value);
  }
}
