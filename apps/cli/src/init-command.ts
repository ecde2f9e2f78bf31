import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import type { CliIO } from "./cli-io";
import {
  CONFIG_TEMPLATE,
  exampleTemplate,
  OFFLINE_CONFIG_TEMPLATE,
  OFFLINE_PACKAGES,
  ONLINE_PACKAGES,
} from "./init-templates";
import { CONFIG_FILE_NAMES } from "./load-project-config";

/** The flags of `scenario init`. */
export interface InitOptions {
  /** Folder of the example scenario, relative to the working directory. */
  scenariosDir: string;
  /** Scaffold against a local fake model (`@scenario/testing`), so the first run needs no key. */
  offline?: boolean;
}

/**
 * \`scenario init\`: adds a config file, an example scenario and a \`scenario\` script to the
 * project in the working directory. Never overwrites: whatever exists is left as it is and
 * reported as skipped. Then names only the packages the scaffold needs that are not installed yet,
 * with the install command of the project's package manager. Returns 0.
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
    writeFileSync(path, options.offline ? OFFLINE_CONFIG_TEMPLATE : CONFIG_TEMPLATE, { flag: "wx" });
    created.push(show(path));
  }

  const examplePath = resolve(io.cwd, options.scenariosDir, "example.scenario.ts");
  if (existsSync(examplePath)) {
    skipped.push(`${show(examplePath)} (already exists)`);
  } else {
    mkdirSync(dirname(examplePath), { recursive: true });
    writeFileSync(examplePath, exampleTemplate(options.offline === true), { flag: "wx" });
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
  const needed = options.offline ? OFFLINE_PACKAGES : ONLINE_PACKAGES;
  const missing = needed.filter((name) => !isInstalled(name, io.cwd));
  const steps: string[] = [];
  if (missing.length > 0) steps.push(`install what is missing: ${installCommand(io.cwd, missing)}`);
  if (!options.offline && !io.env.OPENAI_API_KEY) {
    steps.push("set OPENAI_API_KEY (or try it offline first: `scenario init --offline` in a new folder)");
  }
  steps.push(existsSync(packagePath) ? "run `npm run scenario`" : "run `npx scenario run`");
  io.stdout.write(`\nNext: ${steps.join(", then ")}.\n`);
  return 0;
}

/** Whether `name` is installed where Node would find it from `cwd` (any node_modules above it). */
function isInstalled(name: string, cwd: string): boolean {
  for (let directory = resolve(cwd); ; directory = dirname(directory)) {
    if (existsSync(join(directory, "node_modules", name, "package.json"))) return true;
    if (dirname(directory) === directory) return false;
  }
}

/** The install command of the package manager whose lockfile the project has; npm by default. */
function installCommand(cwd: string, packages: readonly string[]): string {
  const list = packages.join(" ");
  if (existsSync(join(cwd, "pnpm-lock.yaml"))) return `pnpm add -D ${list}`;
  if (existsSync(join(cwd, "yarn.lock"))) return `yarn add -D ${list}`;
  if (existsSync(join(cwd, "bun.lock")) || existsSync(join(cwd, "bun.lockb"))) return `bun add -d ${list}`;
  return `npm install -D ${list}`;
}
