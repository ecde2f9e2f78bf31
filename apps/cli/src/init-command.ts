import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, relative, resolve } from "node:path";
import type { CliIO } from "./cli-io";
import { CONFIG_FILE_NAMES } from "./load-project-config";

/** The flags of `scenario init`. */
export interface InitOptions {
  /** Folder of the example scenario, relative to the working directory. */
  scenariosDir: string;
}

const CONFIG_TEMPLATE = `import { defineConfig } from "@scenario/kit";

// Settings for \`scenario run\`; command-line flags override them.
export default defineConfig({
  // The model of the judge and the user simulator. Without it, OPENAI_API_KEY selects OpenAI's
  // gpt-4.1-mini. Any AI SDK model works, e.g. (with @ai-sdk/openai installed):
  // defaultModel: { model: openai("gpt-4.1-mini"), temperature: 0 },
  concurrency: 4,
  maxTurns: 10,
  outputDir: "scenario-reports",
});
`;

const EXAMPLE_TEMPLATE = `import { AgentRole, type AgentAdapter, agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";

// The agent under test. Replace the body of call() with a call to your own agent.
const echoAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  async call(input) {
    const last = input.messages.at(-1);
    const text = typeof last?.content === "string" ? last.content : "";
    return \`Happy to help! You asked: \${text}\`;
  },
};

// A scenario file declares scenarios; \`scenario run\` finds and runs it. The user simulator and the
// judge need a model: set OPENAI_API_KEY, or defaultModel in scenario.config.ts.
export default defineScenario({
  name: "greets a new customer",
  description: "A first-time customer says hello and asks what the assistant can do.",
  agents: () => [
    echoAgent,
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The assistant answers politely", "The assistant offers help"] }),
  ],
  script: [
    user("Hi! What can you do for me?"),
    agent(),
    (state) => {
      if (!state.lastAgentMessage()) throw new Error("the agent did not reply");
    },
    judge(),
  ],
});
`;

/**
 * \`scenario init\`: adds a config file, an example scenario and a \`scenario\` script to the
 * project in the working directory. Never overwrites: whatever exists is left as it is and
 * reported as skipped. Returns 0.
 */
export async function initCommand(options: InitOptions, io: CliIO): Promise<number> {
  const created: string[] = [];
  const skipped: string[] = [];
  const show = (path: string) => relative(io.cwd, path) || path;

  const existingConfig = CONFIG_FILE_NAMES.map((name) => resolve(io.cwd, name)).find((path) =>
    existsSync(path),
  );
  if (existingConfig) {
    skipped.push(`${show(existingConfig)} (already exists)`);
  } else {
    const path = resolve(io.cwd, "scenario.config.ts");
    writeFileSync(path, CONFIG_TEMPLATE, { flag: "wx" });
    created.push(show(path));
  }

  const examplePath = resolve(io.cwd, options.scenariosDir, "example.scenario.ts");
  if (existsSync(examplePath)) {
    skipped.push(`${show(examplePath)} (already exists)`);
  } else {
    mkdirSync(dirname(examplePath), { recursive: true });
    writeFileSync(examplePath, EXAMPLE_TEMPLATE, { flag: "wx" });
    created.push(show(examplePath));
  }

  const packagePath = resolve(io.cwd, "package.json");
  if (!existsSync(packagePath)) {
    skipped.push("the package.json script (no package.json here: run `npm init` first)");
  } else {
    const text = readFileSync(packagePath, "utf8");
    let manifest: { scripts?: Record<string, string> };
    try {
      manifest = JSON.parse(text);
    } catch (error) {
      manifest = {};
      skipped.push(`the package.json script (package.json is not valid JSON: ${(error as Error).message})`);
    }
    if (
      manifest &&
      typeof manifest === "object" &&
      !skipped.some((entry) => entry.startsWith("the package.json"))
    ) {
      if (manifest.scripts?.scenario !== undefined) {
        skipped.push(`the "scenario" script in package.json (already "${manifest.scripts.scenario}")`);
      } else {
        manifest.scripts = { ...manifest.scripts, scenario: "scenario run" };
        const indent = /^[{[]\r?\n([ \t]+)/.exec(text)?.[1] ?? "  ";
        writeFileSync(packagePath, `${JSON.stringify(manifest, null, indent)}\n`);
        created.push('"scenario": "scenario run" in package.json scripts');
      }
    }
  }

  for (const entry of created) io.stdout.write(`  created  ${entry}\n`);
  for (const entry of skipped) io.stdout.write(`  skipped  ${entry}\n`);
  io.stdout.write(
    "\nNext: install the packages (npm install -D @scenario/kit @scenario/cli), set OPENAI_API_KEY, and run `npm run scenario`.\n",
  );
  return 0;
}
