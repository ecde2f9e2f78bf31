import { existsSync, mkdirSync, readdirSync, statSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve } from "node:path";
import { ConfigurationError } from "@scenario/spec";
import { type AdapterTemplateContext, adapterTemplateFiles } from "./adapter-templates";
import type { CliIO } from "./cli-io";

/** The flags of `scenario init --adapter <name>`. */
export interface InitAdapterOptions {
  /** `foo`, `scenario-adapter-foo`, `@acme/foo` or `@acme/scenario-adapter-foo`. */
  adapter: string;
  /** The agent framework the adapter wraps, as `name` or `name@range`: a peer dependency. */
  framework?: string;
  /** Write over the files of a folder that is not empty. */
  force?: boolean;
}

const PREFIX = "scenario-adapter-";
const BASE_NAME = /^[a-z][a-z0-9]*(?:-[a-z0-9]+)*$/;
const SCOPE = /^@[a-z0-9][a-z0-9._-]*$/;
const PACKAGE_NAME = /^(?:@[a-z0-9][a-z0-9._-]*\/)?[a-z0-9][a-z0-9._-]*$/;
/** npm refuses longer package names. */
const MAX_PACKAGE_NAME_LENGTH = 214;

/** The names derived from `--adapter`: the npm name and the identifiers of the generated code. */
export function adapterNames(
  input: string,
): Pick<AdapterTemplateContext, "packageName" | "factoryName" | "adapterName"> & { folderName: string } {
  const trimmed = input.trim();
  const slash = trimmed.indexOf("/");
  const scope = trimmed.startsWith("@") && slash !== -1 ? trimmed.slice(0, slash) : undefined;
  const unscoped = scope === undefined ? trimmed : trimmed.slice(slash + 1);
  const base = unscoped.startsWith(PREFIX) ? unscoped.slice(PREFIX.length) : unscoped;
  if (scope !== undefined && !SCOPE.test(scope)) {
    throw new ConfigurationError(
      `"${input}" has an invalid scope "${scope}": a scope is @ followed by lowercase letters, digits, ` +
        "dots, dashes or underscores. Pass e.g. `scenario init --adapter @my-org/my-framework`.",
    );
  }
  if (!BASE_NAME.test(base)) {
    throw new ConfigurationError(
      `"${input}" is not a valid adapter name: use lowercase letters, digits and single dashes, ` +
        "starting with a letter. Pass e.g. `scenario init --adapter my-framework` (the package is " +
        "then scenario-adapter-my-framework), or `--adapter @my-org/my-framework` for a scoped one.",
    );
  }
  const folderName = `${PREFIX}${base}`;
  const packageName = scope === undefined ? folderName : `${scope}/${folderName}`;
  if (packageName.length > MAX_PACKAGE_NAME_LENGTH) {
    throw new ConfigurationError(
      `The package name "${packageName}" is ${packageName.length} characters long; npm allows ` +
        `${MAX_PACKAGE_NAME_LENGTH}. Pass a shorter --adapter name.`,
    );
  }
  const words = base.split("-");
  const pascal = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join("");
  const adapterName = `${pascal}Agent`;
  return {
    folderName,
    packageName,
    adapterName,
    factoryName: adapterName.charAt(0).toLowerCase() + adapterName.slice(1),
  };
}

/** `--framework` as a peer dependency: `name` (any version) or `name@range`. */
export function frameworkPeer(input: string): { name: string; range: string } {
  const trimmed = input.trim();
  const at = trimmed.indexOf("@", 1);
  const name = at === -1 ? trimmed : trimmed.slice(0, at);
  const range = at === -1 ? "*" : trimmed.slice(at + 1).trim();
  if (!PACKAGE_NAME.test(name) || range === "") {
    throw new ConfigurationError(
      `--framework "${input}" is not a package name: pass the framework's npm name, optionally with ` +
        "a range, e.g. `--framework @mastra/core` or `--framework @mastra/core@^0.10.0`.",
    );
  }
  if (name.startsWith("@scenario/")) {
    throw new ConfigurationError(
      `--framework "${name}" is a Scenario package; an adapter depends on @scenario/spec alone ` +
        "(already in the scaffold). Pass the agent framework the adapter wraps, e.g. `--framework @mastra/core`.",
    );
  }
  return { name, range };
}

/** The range of the @scenario/spec this CLI speaks: the adapter works with every core that speaks it. */
function specRange(): string {
  const require = createRequire(import.meta.url);
  const { version } = require("@scenario/spec/package.json") as { version: string };
  return `^${version}`;
}

/**
 * `scenario init --adapter <name>`: writes a publishable adapter package into a new folder named
 * after it (`scenario-adapter-<name>`): package.json, tsup build, an echo adapter to replace, the
 * conformance test, a README and changesets. Refuses a folder that is not empty unless `force`.
 * Throws a `ConfigurationError` for an invalid name or folder. Returns 0.
 */
export async function initAdapterCommand(options: InitAdapterOptions, io: CliIO): Promise<number> {
  const names = adapterNames(options.adapter);
  const framework = options.framework === undefined ? undefined : frameworkPeer(options.framework);
  const folder = resolve(io.cwd, names.folderName);
  const shown = relative(io.cwd, folder) || folder;
  if (existsSync(folder)) {
    if (!statSync(folder).isDirectory()) {
      throw new ConfigurationError(
        `${shown} exists and is not a folder. Remove it, or choose another --adapter name.`,
      );
    }
    if (readdirSync(folder).length > 0 && !options.force) {
      throw new ConfigurationError(
        `${shown} already exists and is not empty. Choose another --adapter name, remove the ` +
          "folder, or pass --force to write the adapter's files over the ones there.",
      );
    }
  }
  const files = adapterTemplateFiles({
    packageName: names.packageName,
    factoryName: names.factoryName,
    adapterName: names.adapterName,
    specRange: specRange(),
    ...(framework ? { framework } : {}),
  });
  for (const [path, content] of Object.entries(files)) {
    const target = join(folder, path);
    const existed = existsSync(target);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, content);
    io.stdout.write(`  ${existed ? "replaced" : "created "}  ${relative(io.cwd, target)}\n`);
  }
  const notes = [
    `\n${names.packageName}: the adapter factory ${names.factoryName}() in ${shown}/src/index.ts, ` +
      "depending on @scenario/spec alone.",
  ];
  if (framework?.range === "*") {
    notes.push(`Narrow the peer range of ${framework.name} in package.json to the versions you support.`);
  }
  notes.push(
    `Next: cd ${shown} && npm install && npm test (the conformance suite), then replace the echo ` +
      "agent in src/index.ts where its TODOs say.",
  );
  io.stdout.write(`${notes.join("\n")}\n`);
  return 0;
}
