import type { CacheMode } from "@scenario/llm";
import { isScenarioError } from "@scenario/spec";
import { Command, CommanderError, InvalidArgumentError, Option } from "commander";
import {
  CACHE_MODE_CHOICES,
  DEFAULT_CONCURRENCY,
  DEFAULT_OUTPUT_DIR,
  DEFAULT_REPORTERS,
  EXIT_USAGE,
} from "./cli-defaults";
import { type CliIO, processIO } from "./cli-io";
import { parseDuration } from "./parse-duration";
import { parseShard } from "./select-scenarios";
import { CLI_VERSION } from "./version";

// Each command's module is imported when the command runs: `--help`, `--version` and usage errors
// then load commander alone, not the executor, zod, the AI SDK or jiti.

function positiveInteger(flag: string) {
  return (value: string): number => {
    const number = Number(value);
    if (!/^\s*\d+\s*$/.test(value) || !Number.isSafeInteger(number) || number < 1) {
      throw new InvalidArgumentError(`${flag} takes a whole number of at least 1, got "${value}".`);
    }
    return number;
  };
}

function positiveDollars(value: string): number {
  const number = Number(value);
  if (!/^\s*\d*\.?\d+\s*$/.test(value) || !Number.isFinite(number) || number <= 0) {
    throw new InvalidArgumentError(
      `--max-cost takes an amount of US dollars above 0, such as 0.50, got "${value}".`,
    );
  }
  return number;
}

function durationOption(value: string): number {
  try {
    return parseDuration(value, "--timeout");
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message);
  }
}

function portNumber(value: string): number {
  const number = Number(value);
  if (!/^\s*\d+\s*$/.test(value) || number > 65_535) {
    throw new InvalidArgumentError(
      `--port takes a port from 0 to 65535 (0 picks a free one), got "${value}".`,
    );
  }
  return number;
}

function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

function shardOption(value: string) {
  try {
    return parseShard(value);
  } catch (error) {
    throw new InvalidArgumentError((error as Error).message.replace(/^Invalid --shard "[^"]*"\. /, ""));
  }
}

const RUN_HELP_AFTER = `
Examples:
  $ scenario run                              run every *.scenario.ts of the project
  $ scenario run scenarios/refunds            run the scenario files under a folder
  $ scenario run --grep refund --list         show what would run, without running it
  $ scenario run --repeat 5                   run each scenario 5 times; report pass^5 and flaky ones
  $ scenario run --shard 2/4                  run the second quarter of the suite (CI)
  $ scenario run --max-cost 2.50              start no more scenarios once the suite has cost $2.50
  $ scenario run --reporter console --reporter junit

Exit codes: 0 all passed, 1 a run failed or errored, 2 usage or config error, 130 interrupted.
A missing model is a config error too: it is found before the first turn.
Ctrl-C cancels the running scenarios and still writes every report; press it twice to exit at once.`;

/**
 * Builds the `scenario` command line. Each action stores its exit code in `result.exitCode`.
 * Exported so the docs site generates its CLI reference from these definitions.
 */
export function createProgram(io: CliIO, result: { exitCode: number }): Command {
  const program = new Command()
    .name("scenario")
    .description(
      "Test AI agents by simulation: run scenario files (*.scenario.ts) concurrently, judge them, and report.",
    )
    .version(CLI_VERSION, "-v, --version", "print the version")
    .helpOption("-h, --help", "show help")
    .showHelpAfterError("(run with --help for usage)")
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
    })
    .exitOverride()
    .addHelpText(
      "after",
      "\n`scenario [paths...]` is short for `scenario run [paths...]`. Run `scenario <command> --help` for a command's options.",
    );

  program
    .command("run")
    .description("discover scenario files and run their scenarios (the default command)")
    .argument(
      "[paths...]",
      "scenario files, folders or globs (default: the config's testMatch, **/*.scenario.{ts,mts,js,mjs})",
    )
    .option(
      "-c, --config <file>",
      "config file (default: scenario.config.{ts,mts,js,mjs} in the working directory)",
    )
    .option(
      "-g, --grep <pattern>",
      "only scenarios whose name, id or set matches (case-insensitive regex, or substring)",
    )
    .option(
      "-j, --concurrency <n>",
      `scenarios running at once, across all files (default: the config's, else ${DEFAULT_CONCURRENCY})`,
      positiveInteger("--concurrency"),
    )
    .option(
      "--repeat <n>",
      "run each scenario n times; reports pass^n and marks flaky scenarios",
      positiveInteger("--repeat"),
    )
    .option(
      "--shard <i/n>",
      "run only shard i of n (a stable split: all shards together are the whole suite)",
      shardOption,
    )
    .option(
      "-r, --reporter <name>",
      `a reporter (console, jsonl, junit, html, http) or a module path; repeat for several (default: the config's, else ${DEFAULT_REPORTERS.join(", ")})`,
      collect,
    )
    .option(
      "-o, --output-dir <dir>",
      `folder for the file reports (default: the config's, else ${DEFAULT_OUTPUT_DIR})`,
    )
    .option(
      "--max-turns <n>",
      "turn limit for every scenario, overriding theirs",
      positiveInteger("--max-turns"),
    )
    .addOption(
      new Option(
        "--cache <mode>",
        "record/replay cache of model calls (default: the config's, else off)",
      ).choices(CACHE_MODE_CHOICES),
    )
    .option(
      "--max-cost <usd>",
      "suite budget in US dollars: once the finished runs cost this much, no further scenario starts (overrides the config's suiteBudget)",
      positiveDollars,
    )
    .option(
      "--max-tokens <n>",
      "suite budget in tokens: once the finished runs used this many, no further scenario starts",
      positiveInteger("--max-tokens"),
    )
    .option(
      "--timeout <duration>",
      "deadline of each scenario, in ms or as 90s, 5m (0: none); a run still going then errors, naming its step (default: the scenario's, else the config's, else 5m)",
      durationOption,
    )
    .option("--bail", "stop at the first scenario that does not pass (running ones are cancelled)")
    .option("--list", "list the scenarios that would run, and run nothing (no model calls)")
    .option("--json", "with --list, print the list as JSON")
    .option(
      "--debug",
      "step through the scenarios one at a time in a terminal: see every message, type the user's lines (also SCENARIO_DEBUG=1)",
    )
    .option(
      "--play",
      "play voice calls through the speakers as they happen (needs sox's play, ffplay or aplay; refused in CI)",
    )
    .addHelpText("after", RUN_HELP_AFTER)
    .action(async (paths: string[], flags: Record<string, unknown>) => {
      const { runCommand } = await import("./run-command");
      result.exitCode = await runCommand(
        {
          paths,
          config: flags.config as string | undefined,
          grep: flags.grep as string | undefined,
          concurrency: flags.concurrency as number | undefined,
          repeat: flags.repeat as number | undefined,
          shard: flags.shard as ReturnType<typeof parseShard> | undefined,
          reporters: flags.reporter as string[] | undefined,
          outputDir: flags.outputDir as string | undefined,
          maxTurns: flags.maxTurns as number | undefined,
          timeout: flags.timeout as number | undefined,
          cache: flags.cache as CacheMode | undefined,
          bail: flags.bail === true,
          maxCostUsd: flags.maxCost as number | undefined,
          maxTokens: flags.maxTokens as number | undefined,
          list: flags.list === true,
          json: flags.json === true,
          debug: flags.debug === true,
          play: flags.play === true,
        },
        io,
      );
    });

  program
    .command("merge-reports")
    .description("merge the events.jsonl of several runs (CI shards) into one set of reports")
    .argument(
      "<dirs...>",
      "report folders (or events.jsonl files) written by `scenario run` with the jsonl reporter",
    )
    .option("-o, --output-dir <dir>", "folder for the merged reports", DEFAULT_OUTPUT_DIR)
    .option(
      "-r, --reporter <name>",
      `a reporter for the merged events; repeat for several (default: ${DEFAULT_REPORTERS.join(", ")})`,
      collect,
    )
    .addHelpText(
      "after",
      "\nExit codes: 0 every merged run passed, 1 some run failed, errored or was cancelled, 2 unreadable input.",
    )
    .action(async (dirs: string[], flags: { outputDir: string; reporter?: string[] }) => {
      const { mergeReportsCommand } = await import("./merge-reports-command");
      result.exitCode = await mergeReportsCommand(
        { inputs: dirs, outputDir: flags.outputDir, reporters: flags.reporter },
        io,
      );
    });

  program
    .command("report")
    .description("serve the HTML report on 127.0.0.1 and print its URL (Ctrl-C stops the server)")
    .argument("[dir]", `the report folder (default: the config's outputDir, else ${DEFAULT_OUTPUT_DIR})`)
    .option("-p, --port <port>", "port to listen on (0 picks a free one)", portNumber, 0)
    .option(
      "-c, --config <file>",
      "config file whose outputDir to serve (default: scenario.config.{ts,mts,js,mjs} in the working directory)",
    )
    .action(async (dir: string | undefined, flags: { port: number; config?: string }) => {
      const { reportCommand } = await import("./report-command");
      result.exitCode = await reportCommand({ dir, port: flags.port, config: flags.config }, io);
    });

  program
    .command("init")
    .description(
      "add scenario.config.ts, an example scenario and a package.json script to this project (never overwrites)",
    )
    .option("--dir <dir>", "folder for the example scenario", "scenarios")
    .option(
      "--offline",
      "scaffold a scenario that runs against a local fake model (@scenario/testing): the first run passes with no API key",
    )
    .option(
      "--adapter <name>",
      "instead, scaffold a publishable adapter package scenario-adapter-<name> (or @scope/<name>) in a new folder",
    )
    .option(
      "--framework <package>",
      "with --adapter: the agent framework it wraps, a peer (name or name@range)",
    )
    .addOption(
      new Option(
        "--ci <provider>",
        "instead, write a CI workflow that runs the suite in shards and merges their reports (.github/workflows/scenarios.yml)",
      ).choices(["github"]),
    )
    .option(
      "--shards <n>",
      "with --ci: parallel jobs to split the suite across (default: 3)",
      positiveInteger("--shards"),
    )
    .option(
      "--force",
      "with --adapter: write into a folder that is not empty; with --ci: replace the workflow file",
    )
    .action(
      async (flags: {
        dir: string;
        offline?: boolean;
        adapter?: string;
        framework?: string;
        ci?: string;
        shards?: number;
        force?: boolean;
      }) => {
        if (flags.ci !== undefined) {
          const { initCiCommand } = await import("./init-ci-command");
          result.exitCode = await initCiCommand(
            { provider: flags.ci, shards: flags.shards, force: flags.force === true },
            io,
          );
          return;
        }
        if (flags.adapter !== undefined) {
          const { initAdapterCommand } = await import("./init-adapter-command");
          result.exitCode = await initAdapterCommand(
            { adapter: flags.adapter, framework: flags.framework, force: flags.force === true },
            io,
          );
          return;
        }
        const { initCommand } = await import("./init-command");
        result.exitCode = await initCommand({ scenariosDir: flags.dir, offline: flags.offline === true }, io);
      },
    );

  return program;
}

/**
 * Runs the `scenario` command line with `argv` (as `process.argv`) and resolves with the exit
 * code: 0 passed, 1 failed, 2 usage or configuration error, 130 interrupted.
 */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const result = { exitCode: 0 };
  const program = createProgram(io, result);
  const userArgs = argv.slice(2);
  // `scenario` alone, or with only run flags, means `scenario run`.
  const known = new Set(program.commands.flatMap((command) => [command.name(), ...command.aliases()]));
  const first = userArgs[0];
  const globalFlags = new Set(["-h", "--help", "-v", "--version", "help"]);
  const args =
    first === undefined || (!known.has(first) && !globalFlags.has(first)) ? ["run", ...userArgs] : userArgs;
  try {
    await program.parseAsync(args, { from: "user" });
    return result.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === "commander.helpDisplayed" ||
        error.code === "commander.version" ||
        error.code === "commander.help"
      ) {
        return 0;
      }
      return EXIT_USAGE;
    }
    // Bad config, flags, reporter names or a missing model are usage errors; a reporter failing
    // mid-run never throws.
    if (
      isScenarioError(error) &&
      (error.code === "CONFIG_INVALID" || error.code === "REPORTER_FAILED" || error.code === "MODEL_MISSING")
    ) {
      io.stderr.write(`Error: ${error.message}\n`);
      return EXIT_USAGE;
    }
    io.stderr.write(`Error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    return 1;
  }
}
