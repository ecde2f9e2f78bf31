import {
  createDebugPrompt,
  type DebugPrompt,
  type ScenarioExecutionOptions,
  type TextOutput,
  type VerbosePrinter,
} from "@scenario/core";
import picocolors from "picocolors";

/** Whether kit's verbose printer and debug prompt colour their output. */
export interface ColoredConsoleOptions {
  /** Colour the output. @default picocolors' detection (a TTY, NO_COLOR, FORCE_COLOR, CI) */
  colors?: boolean;
}

type Colors = ReturnType<typeof picocolors.createColors>;

/**
 * Kit's verbose printer: the scenario's name dimmed, then the speaker and the message coloured by
 * role (user blue, agent green, tool magenta, system grey). Core's default is the same text without
 * colours.
 */
export function coloredVerbosePrinter(options: ColoredConsoleOptions = {}): VerbosePrinter {
  const colors = picocolors.createColors(options.colors ?? picocolors.isColorSupported);
  return (line, output) => {
    const paint = rolePaint(line.message.role, colors);
    output.write(
      `${colors.dim(`[${line.scenarioName}]`)} ${paint(colors.bold(`${line.label}:`))} ${paint(line.text)}\n`,
    );
  };
}

/** Kit's debug prompt: core's readline prompt, its `[debug]` tag in bold yellow. */
export function coloredDebugPrompt(
  options: ColoredConsoleOptions & { input?: NodeJS.ReadableStream; output?: TextOutput } = {},
): DebugPrompt {
  const colors = picocolors.createColors(options.colors ?? picocolors.isColorSupported);
  return createDebugPrompt({
    input: options.input,
    output: options.output,
    formatQuestion: (question) => `${colors.bold(colors.yellow("[debug]"))} ${question.text}`,
  });
}

/**
 * The execution options with kit's coloured verbose printer and debug prompt wherever `options`
 * gives none, as `run()`, `runScenario()` and the `scenario` CLI use them: their output looks as
 * it always has, while core itself prints plain text.
 */
export function withColoredConsole(
  options: ScenarioExecutionOptions & ColoredConsoleOptions = {},
): ScenarioExecutionOptions {
  const { input, output, colors } = options;
  return {
    input,
    output,
    verbosePrinter: options.verbosePrinter ?? coloredVerbosePrinter({ colors }),
    // A fresh prompt per run: core closes it when the run ends.
    debugPrompt: options.debugPrompt ?? coloredDebugPrompt({ colors, input, output }),
  };
}

function rolePaint(role: string, colors: Colors): (text: string) => string {
  switch (role) {
    case "user":
      return colors.blue;
    case "assistant":
      return colors.green;
    case "tool":
      return colors.magenta;
    case "system":
      return colors.gray;
    default:
      return (text) => text;
  }
}
