import type { ModelMessage } from "@scenario/spec";
import picocolors from "picocolors";

/** Where verbose output goes; any writable stream fits. */
export interface TextOutput {
  write(text: string): unknown;
}

type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Prints each message as it is added, coloured by role, prefixed with the scenario's name so the
 * output of concurrent runs stays readable.
 */
export function createVerbosePrinter(
  scenarioName: string,
  output: TextOutput,
  useColors: boolean,
): (message: ModelMessage) => void {
  const colors = picocolors.createColors(useColors);
  return (message) => {
    const { label, paint } = roleStyle(message.role, colors);
    const lines = describeMessage(message);
    output.write(`${colors.dim(`[${scenarioName}]`)} ${paint(colors.bold(`${label}:`))} ${paint(lines)}\n`);
  };
}

function roleStyle(role: string, colors: Colors): { label: string; paint: (text: string) => string } {
  switch (role) {
    case "user":
      return { label: "User", paint: colors.blue };
    case "assistant":
      return { label: "Agent", paint: colors.green };
    case "tool":
      return { label: "Tool", paint: colors.magenta };
    case "system":
      return { label: "System", paint: colors.gray };
    default:
      return { label: role, paint: (text) => text };
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
