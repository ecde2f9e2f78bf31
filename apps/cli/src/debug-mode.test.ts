import { describe, expect, it } from "vitest";
import type { CliIO } from "./cli-io";
import { resolveDebugMode } from "./debug-mode";

function io(options: { terminal: boolean; env?: NodeJS.ProcessEnv }): CliIO {
  const sink = { write: () => true, isTTY: options.terminal };
  return {
    cwd: "/",
    env: options.env ?? {},
    stdout: sink,
    stderr: sink,
    stdin: { isTTY: options.terminal } as CliIO["stdin"],
  };
}

describe("resolveDebugMode", () => {
  it("is off unless asked for", () => {
    expect(resolveDebugMode({}, io({ terminal: true }))).toBe(false);
    expect(resolveDebugMode({}, io({ terminal: false, env: { SCENARIO_DEBUG: "0" } }))).toBe(false);
  });

  it("is on in a terminal for --debug, the config, SCENARIO_DEBUG or a scenario's debug: true", () => {
    const terminal = io({ terminal: true });
    expect(resolveDebugMode({ flag: true }, terminal)).toBe(true);
    expect(resolveDebugMode({ config: true }, terminal)).toBe(true);
    expect(resolveDebugMode({ scenarios: ["refunds"] }, terminal)).toBe(true);
    expect(resolveDebugMode({}, io({ terminal: true, env: { SCENARIO_DEBUG: "1" } }))).toBe(true);
  });

  it("refuses to start without a terminal, naming every place that turned it on", () => {
    expect(() => resolveDebugMode({ config: true, scenarios: ["refunds"] }, io({ terminal: false }))).toThrow(
      'Debug mode (turned on by debug: true in scenario.config.ts, debug: true in the scenario "refunds") needs an interactive terminal',
    );
    expect(() => resolveDebugMode({ flag: true }, io({ terminal: false }))).toThrow(
      /Run `scenario run --debug` in a terminal/,
    );
  });
});
