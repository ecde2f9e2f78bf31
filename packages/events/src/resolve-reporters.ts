import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, isAbsolute, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import { ReporterError, type ReporterSpec, type ScenarioReporter } from "@scenario/spec";
import { consoleReporter } from "./console-reporter";
import { htmlReporter } from "./html-reporter";
import { httpReporter } from "./http-reporter";
import { jsonlReporter } from "./jsonl-reporter";
import { junitReporter } from "./junit-reporter";

/** The names of the reporters that ship with this package. */
export type BuiltInReporterName = "console" | "jsonl" | "junit" | "html" | "http";

type ReporterFactory = (options: Record<string, unknown>) => ScenarioReporter;

const builtInFactories: Record<BuiltInReporterName, ReporterFactory> = {
  console: consoleReporter as ReporterFactory,
  jsonl: jsonlReporter as ReporterFactory,
  junit: junitReporter as ReporterFactory,
  html: htmlReporter as ReporterFactory,
  http: httpReporter as ReporterFactory,
};

/** The built-in reporter names, in the order the docs list them. */
export const BUILT_IN_REPORTERS: readonly BuiltInReporterName[] = Object.keys(
  builtInFactories,
) as BuiltInReporterName[];

/** Options of `resolveReporters()`. */
export interface ResolveReportersOptions {
  /** The folder module paths, package names and the file reporters' outputs are relative to. @default process.cwd() */
  cwd?: string;
  /**
   * Loads a reporter module by absolute file URL. Pass one that understands TypeScript (jiti, for
   * example) to allow `.ts` reporter files. @default dynamic `import()`
   */
  importModule?: (url: string) => Promise<unknown>;
}

const HOOKS = [
  "onSuiteStart",
  "onEvent",
  "onRunStart",
  "onMessage",
  "onRunEnd",
  "onSuiteEnd",
  "flush",
] as const;

/** True for a reporter object: at least one hook, and every hook it has a function. */
export function isScenarioReporter(value: unknown): value is ScenarioReporter {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const members = value as Record<string, unknown>;
  return (
    HOOKS.some((hook) => typeof members[hook] === "function") &&
    HOOKS.every((hook) => members[hook] === undefined || typeof members[hook] === "function")
  );
}

/**
 * Turns reporter specs into reporters. A spec is a built-in name (`"console"`, `"jsonl"`,
 * `"junit"`, `"html"`, `"http"`), `[name, options]`, a reporter object, or a module path or package
 * name whose default export is a reporter or a factory `(options) => reporter`. Built-ins get
 * `cwd` unless their options set it.
 */
export async function resolveReporters(
  specs: readonly ReporterSpec[],
  options: ResolveReportersOptions = {},
): Promise<ScenarioReporter[]> {
  const cwd = options.cwd ?? process.cwd();
  const importModule = options.importModule ?? ((url: string) => import(url));
  const reporters: ScenarioReporter[] = [];
  for (const spec of specs) reporters.push(await resolveOne(spec, cwd, importModule));
  return reporters;
}

async function resolveOne(
  spec: ReporterSpec,
  cwd: string,
  importModule: (url: string) => Promise<unknown>,
): Promise<ScenarioReporter> {
  if (typeof spec === "object" && spec !== null && !Array.isArray(spec)) {
    return checkReporter(spec, "the reporter object");
  }
  const [name, reporterOptions] = typeof spec === "string" ? [spec, {}] : spec;
  if (typeof name !== "string" || name.trim() === "") {
    throw new ReporterError(
      `A reporter spec must be a name, [name, options] or a reporter object, got ${describe(spec)}.`,
    );
  }
  if (typeof reporterOptions !== "object" || reporterOptions === null || Array.isArray(reporterOptions)) {
    throw new ReporterError(
      `The options of reporter "${name}" must be an object, got ${describe(reporterOptions)}. Pass [name, { ... }].`,
    );
  }
  if (Object.hasOwn(builtInFactories, name)) {
    const factory = builtInFactories[name as BuiltInReporterName];
    return factory({ cwd, ...reporterOptions });
  }
  const location = locateModule(name, cwd);
  if (location === undefined) throw unknownReporter(name);
  let moduleNamespace: unknown;
  try {
    moduleNamespace = await importModule(pathToFileURL(location).href);
  } catch (error) {
    throw new ReporterError(
      `Cannot load reporter module "${name}" (${location}): ${(error as Error)?.message ?? String(error)}. ` +
        "Check that it builds and that its default export is a reporter or a factory (options) => reporter.",
      { cause: error },
    );
  }
  const exported = defaultExport(moduleNamespace);
  let reporter: unknown = exported;
  if (typeof exported === "function") {
    try {
      reporter = isClass(exported)
        ? new (exported as new (options: unknown) => unknown)(reporterOptions)
        : await (exported as (options: unknown) => unknown)(reporterOptions);
    } catch (error) {
      throw new ReporterError(
        `The reporter factory of "${name}" threw: ${(error as Error)?.message ?? String(error)}.`,
        { cause: error },
      );
    }
  }
  return checkReporter(reporter, `the default export of "${name}"`);
}

function unknownReporter(name: string): ReporterError {
  return new ReporterError(
    `Unknown reporter "${name}". Built-in reporters: ${BUILT_IN_REPORTERS.join(", ")}. ` +
      'To use your own, pass a module path ("./my-reporter.js") or an installed package name whose default ' +
      "export is a reporter or a factory (options) => reporter, or pass the reporter object itself.",
  );
}

function checkReporter(value: unknown, what: string): ScenarioReporter {
  if (typeof value !== "object" || value === null) {
    throw new ReporterError(
      `${capitalize(what)} is not a reporter: expected an object with hooks such as onRunEnd, got ${describe(value)}.`,
    );
  }
  for (const hook of HOOKS) {
    const member = (value as Record<string, unknown>)[hook];
    if (member !== undefined && typeof member !== "function") {
      throw new ReporterError(
        `${capitalize(what)} has a "${hook}" that is not a function (${describe(member)}).`,
      );
    }
  }
  return value as ScenarioReporter;
}

/** A file path for a module path or package name, or undefined when neither exists. */
function locateModule(specifier: string, cwd: string): string | undefined {
  const looksLikePath =
    specifier.startsWith(".") ||
    isAbsolute(specifier) ||
    /\.(c|m)?(j|t)s$/.test(specifier) ||
    specifier.includes("\\");
  if (looksLikePath) {
    const path = resolve(cwd, specifier);
    return existsSync(path) ? path : undefined;
  }
  const requireFromCwd = createRequire(join(cwd, "__scenario_reporter_resolver__.js"));
  try {
    return requireFromCwd.resolve(specifier);
  } catch {
    // An ESM-only package has no `require` entry; find its `import` entry by hand.
    return locateEsmPackage(specifier, cwd);
  }
}

function locateEsmPackage(name: string, cwd: string): string | undefined {
  for (let directory = cwd; ; directory = dirname(directory)) {
    const packageDirectory = join(directory, "node_modules", name);
    const manifestPath = join(packageDirectory, "package.json");
    if (existsSync(manifestPath)) {
      let manifest: { exports?: unknown; module?: unknown; main?: unknown };
      try {
        manifest = JSON.parse(readFileSync(manifestPath, "utf8"));
      } catch {
        return undefined;
      }
      const entry =
        pickExport(manifest.exports) ??
        (typeof manifest.module === "string" ? manifest.module : undefined) ??
        (typeof manifest.main === "string" ? manifest.main : "index.js");
      const path = resolve(packageDirectory, entry);
      return existsSync(path) ? path : undefined;
    }
    if (dirname(directory) === directory) return undefined;
  }
}

function pickExport(exports: unknown): string | undefined {
  if (typeof exports === "string") return exports;
  if (typeof exports !== "object" || exports === null || Array.isArray(exports)) return undefined;
  const record = exports as Record<string, unknown>;
  if (Object.keys(record).some((key) => key.startsWith("."))) return pickExport(record["."]);
  for (const condition of ["import", "node", "default", "require"]) {
    const picked = pickExport(record[condition]);
    if (picked !== undefined) return picked;
  }
  return undefined;
}

function defaultExport(moduleNamespace: unknown): unknown {
  if (typeof moduleNamespace !== "object" || moduleNamespace === null) return moduleNamespace;
  let value: unknown = "default" in moduleNamespace ? moduleNamespace.default : moduleNamespace;
  // A CommonJS module compiled from ESM nests its default export once more.
  if (typeof value === "object" && value !== null && "__esModule" in value && "default" in value) {
    value = value.default;
  }
  return value;
}

function isClass(value: unknown): boolean {
  return typeof value === "function" && /^class[\s{]/.test(Function.prototype.toString.call(value));
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  return typeof value === "string" ? `the string "${value.slice(0, 40)}"` : typeof value;
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
