import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, CLI_BIN, cliEnv, FIXTURES, temporaryDirectory } from "./cli-harness";

// Friction 8: `scenario --help` took 0.7–1.5 s because every command's dependencies loaded first.
// Nothing here is timed: a module hook in the child process logs every module it resolves, and the
// test checks which ones `--help` and `--version` load (bench/cli-startup.bench.mjs measures time).

const HEAVY = [
  ["rxjs", /\/rxjs\//],
  ["zod", /\/zod\//],
  ["ai", /\/node_modules\/ai\//],
  ["an AI SDK provider", /@ai-sdk\//],
  ["jiti", /\/jiti\//],
  ["the executor and its packages", /(@scenario|packages)\/(core|kit|llm|judge|user-simulator|events)\//],
] as const;

const work = temporaryDirectory("scenario-startup-");
const hooks = join(work.path, "log-hooks.mjs");
const register = join(work.path, "register.mjs");

beforeAll(() => {
  assertCliBuilt();
  writeFileSync(
    hooks,
    [
      'import { appendFileSync } from "node:fs";',
      "let log;",
      "export function initialize(data) { log = data.log; }",
      "export async function resolve(specifier, context, next) {",
      "  const result = await next(specifier, context);",
      '  appendFileSync(log, result.url + "\\n");',
      "  return result;",
      "}",
    ].join("\n"),
  );
  writeFileSync(
    register,
    [
      'import { register } from "node:module";',
      `register(${JSON.stringify(pathToFileURL(hooks).href)}, { data: { log: process.env.MODULE_LOG } });`,
    ].join("\n"),
  );
});

afterAll(() => {
  work.remove();
});

/** Runs the CLI with `args` and returns the modules it resolved. */
function modulesLoadedBy(args: string[], cwd: string): string[] {
  const log = join(work.path, `modules-${args.join("-").replace(/[^a-z-]/gi, "")}.log`);
  writeFileSync(log, "");
  const child = spawnSync(process.execPath, ["--import", pathToFileURL(register).href, CLI_BIN, ...args], {
    cwd,
    env: cliEnv({ MODULE_LOG: log }),
    encoding: "utf8",
    timeout: 60_000,
  });
  expect(child.status, child.stderr).toBe(0);
  return readFileSync(log, "utf8").split("\n").filter(Boolean);
}

describe("friction 8: the CLI loads lazily", () => {
  it.each(["--help", "--version", "run --help", "init --help"])(
    "`scenario %s` loads commander alone, none of the heavy packages",
    (command) => {
      const modules = modulesLoadedBy(command.split(" "), work.path);
      expect(modules.some((url) => url.includes("/commander/"))).toBe(true);
      for (const [name, pattern] of HEAVY) {
        expect(
          modules.filter((url) => pattern.test(url)),
          name,
        ).toEqual([]);
      }
    },
  );

  it("a command that runs scenarios still loads what it needs (the hook sees it)", () => {
    const modules = modulesLoadedBy(["run", "--list"], join(FIXTURES, "basic"));
    for (const [name, pattern] of [HEAVY[1], HEAVY[4], HEAVY[5]]) {
      expect(
        modules.some((url) => pattern.test(url)),
        name,
      ).toBe(true);
    }
  });
});
