import { PassThrough } from "node:stream";
import { run as runInCore } from "@scenario/core";
import { type AgentAdapter, AgentRole, type ScenarioConfig } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import scenario, { defineScenario, run, runScenario } from "./index";

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI colour codes
const ANSI = /\u001b\[[0-9;]*m/g;
const BLUE = "\u001b[34m";
const GREEN = "\u001b[32m";
const MAGENTA = "\u001b[35m";
const BOLD_YELLOW_DEBUG = "\u001b[1m\u001b[33m[debug]\u001b[39m\u001b[22m";

const searchingAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  call: () => [
    {
      role: "assistant",
      content: [{ type: "tool-call", toolCallId: "1", toolName: "search", input: { q: "x" } }],
    },
    {
      role: "tool",
      content: [
        { type: "tool-result", toolCallId: "1", toolName: "search", output: { type: "text", value: "hit" } },
      ],
    },
    { role: "assistant", content: "found it" },
  ],
};

function verboseConfig(): ScenarioConfig {
  return {
    name: "kit console",
    description: "verbose output through the kit",
    agents: [searchingAgent],
    script: [(_s, e) => e.user("look it up"), (_s, e) => e.agent(), (_s, e) => e.succeed()],
    verbose: true,
  };
}

function collectingOutput() {
  const lines: string[] = [];
  return { lines, output: { write: (text: string) => lines.push(text) } };
}

const PLAIN_LINES = [
  "[kit console] User: look it up\n",
  '[kit console] Agent: [tool call search({"q":"x"})]\n',
  '[kit console] Tool: [tool result search: {"type":"text","value":"hit"}]\n',
  "[kit console] Agent: found it\n",
];

describe("verbose output through the kit", () => {
  it("colours each message by role in run(), and in scenario.run()", async () => {
    for (const runIt of [run, scenario.run]) {
      const { lines, output } = collectingOutput();
      await runIt(verboseConfig(), { output, colors: true });
      expect(lines.map((line) => line.replace(ANSI, ""))).toEqual(PLAIN_LINES);
      expect(lines[0]).toContain(BLUE);
      expect(lines[1]).toContain(GREEN);
      expect(lines[2]).toContain(MAGENTA);
      expect(lines[3]).toContain(GREEN);
    }
  });

  it("prints the same text without colours when told so, as core does by default", async () => {
    const { lines, output } = collectingOutput();
    await run(verboseConfig(), { output, colors: false });
    expect(lines).toEqual(PLAIN_LINES);
    const fromCore = collectingOutput();
    await runInCore(verboseConfig(), { output: fromCore.output });
    expect(fromCore.lines).toEqual(PLAIN_LINES);
  });

  it("colours runScenario() output too, and lets a given printer win", async () => {
    const definition = defineScenario({
      name: "kit console",
      description: "verbose output through runScenario",
      agents: () => [searchingAgent],
      script: [(_s, e) => e.user("look it up"), (_s, e) => e.agent(), (_s, e) => e.succeed()],
    });
    const colored = collectingOutput();
    await runScenario(definition, { verbose: true, output: colored.output, colors: true });
    expect(colored.lines.map((line) => line.replace(ANSI, ""))).toEqual(PLAIN_LINES);
    expect(colored.lines[0]).toContain(BLUE);

    const own = collectingOutput();
    await runScenario(definition, {
      verbose: true,
      output: own.output,
      verbosePrinter: (line, output) => output.write(`${line.label}> ${line.text}\n`),
    });
    expect(own.lines[0]).toBe("User> look it up\n");
  });
});

describe("the debug prompt through the kit", () => {
  it("asks with a bold yellow [debug] tag and takes the typed line as the user's", async () => {
    const input = new PassThrough();
    let written = "";
    const user: AgentAdapter = { role: AgentRole.USER, call: () => "the simulator speaks" };
    const result = await run(
      {
        name: "kit debug",
        description: "debug mode through the kit",
        agents: [user],
        script: [(_s, e) => e.user(), (_s, e) => e.succeed()],
        debug: true,
      },
      {
        input,
        colors: true,
        output: {
          write(text: string) {
            written += text;
            if (text.includes("[debug]")) input.write("typed at the terminal\n");
          },
        },
      },
    );
    expect(result.messages).toEqual([{ role: "user", content: "typed at the terminal" }]);
    expect(written).toBe(
      `${BOLD_YELLOW_DEBUG} kit debug, turn 0: press Enter to let the user simulator speak, or type the user's message: `,
    );
  });
});
