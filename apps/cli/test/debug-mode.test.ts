import { join } from "node:path";
import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it, vi } from "vitest";
import type { CliIO } from "../src/cli-io";
import { main } from "../src/main";
import { FIXTURES, temporaryDirectory } from "./cli-harness";

vi.setConfig({ testTimeout: 120_000 });

/** A terminal for `main()`: typed lines go into stdin, everything written is kept. */
function fakeTerminal(cwd: string): { io: CliIO; type(line: string): void; output(): string } {
  let written = "";
  const stdin = Object.assign(new PassThrough(), { isTTY: true });
  const io: CliIO = {
    cwd,
    env: { ...process.env, NO_COLOR: "1", CI: "1", SCENARIO_DEBUG: undefined },
    stdout: {
      isTTY: true,
      write(text: string) {
        written += text;
        return true;
      },
    },
    stderr: {
      write(text: string) {
        written += text;
        return true;
      },
    },
    stdin,
  };
  // Kit colours the prompt on a terminal; the assertions read the plain text.
  const plain = () => stripVTControlCharacters(written);
  return { io, type: (line) => stdin.write(`${line}\n`), output: plain };
}

describe("scenario run --debug in a terminal", () => {
  it("runs one scenario at a time, prints every message, and takes a typed line as the user's", async () => {
    const reports = temporaryDirectory("scenario-debug-");
    try {
      const terminal = fakeTerminal(join(FIXTURES, "debug"));
      // Four user turns in all: type the first, let the simulator speak in the others (Enter).
      for (const line of ["typed by hand", "", "", ""]) terminal.type(line);
      const code = await main(
        ["node", "scenario", "run", "--debug", "-r", "jsonl", "-o", reports.path],
        terminal.io,
      );
      const output = terminal.output();
      expect(code).toBe(0);
      const questions = [...output.matchAll(/\[debug\] (\w+), turn (\d+): press Enter/g)].map(
        (match) => `${match[1]} ${match[2]}`,
      );
      // Concurrency 1: the second scenario's questions come after both of the first's.
      expect(questions).toEqual(["first 0", "first 1", "second 0", "second 1"]);
      for (const line of ["typed by hand", "echo: typed by hand", "simulated line", "echo: simulated line"]) {
        expect(output).toContain(line);
      }
      expect(output.indexOf("echo: typed by hand")).toBeLessThan(output.indexOf("simulated line"));
    } finally {
      reports.remove();
    }
  });
});
