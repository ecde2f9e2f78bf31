import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");

interface PackageInfo {
  dir: string;
  name: string;
  manifest: {
    name: string;
    private?: boolean;
    dependencies?: Record<string, string>;
    peerDependencies?: Record<string, string>;
  };
}

function workspacePackages(): PackageInfo[] {
  const dirs = ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(root, group, name)),
  );
  return dirs
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { dir, name: manifest.name, manifest };
    });
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importedPackages(file: string): string[] {
  const source = readFileSync(file, "utf8");
  const specifiers = [...source.matchAll(/(?:from|import\(|require\()\s*["']([^"']+)["']/g)].map(
    (match) => match[1] as string,
  );
  return specifiers
    .filter((specifier) => !specifier.startsWith(".") && !specifier.startsWith("node:"))
    .map((specifier) =>
      specifier.startsWith("@")
        ? specifier.split("/").slice(0, 2).join("/")
        : (specifier.split("/")[0] as string),
    );
}

const packages = workspacePackages();

/** Each runtime source file of a package with the packages it imports, read once for both checks. */
const importsOf = new Map(
  packages.map((info) => [
    info.name,
    sourceFiles(join(info.dir, "src")).map((file) => ({ file, imported: importedPackages(file) })),
  ]),
);

/**
 * The architecture's dependency directions: which workspace packages each package's runtime code
 * may use. Anything else (core importing the judge, an adapter importing core) is a violation.
 */
const allowedWorkspaceDependencies: Record<string, string[]> = {
  "@scenario/spec": [],
  "@scenario/script": ["@scenario/spec"],
  "@scenario/core": ["@scenario/spec"],
  "@scenario/llm": ["@scenario/spec"],
  "@scenario/judge": ["@scenario/spec", "@scenario/llm"],
  "@scenario/user-simulator": ["@scenario/spec", "@scenario/llm"],
  "@scenario/events": ["@scenario/spec"],
  "@scenario/voice": ["@scenario/spec"],
  "@scenario/voice-openai-realtime": ["@scenario/spec", "@scenario/voice"],
  "@scenario/testing": ["@scenario/spec", "@scenario/voice"],
  "@scenario/kit": [
    "@scenario/spec",
    "@scenario/core",
    "@scenario/script",
    "@scenario/judge",
    "@scenario/user-simulator",
    "@scenario/llm",
    "@scenario/events",
  ],
};

describe("package boundaries", () => {
  it("spec has no dependencies at all", () => {
    const spec = packages.find((info) => info.name === "@scenario/spec");
    expect(spec?.manifest.dependencies ?? {}).toEqual({});
    expect(spec?.manifest.peerDependencies ?? {}).toEqual({});
  });

  for (const info of packages) {
    const allowed = allowedWorkspaceDependencies[info.name];
    if (!allowed) continue;
    it(`${info.name} depends only on ${allowed.join(", ") || "nothing"} in the workspace`, () => {
      const declared = Object.keys(info.manifest.dependencies ?? {}).filter((name) =>
        name.startsWith("@scenario/"),
      );
      expect(declared.filter((name) => !allowed.includes(name))).toEqual([]);
      const violations = (importsOf.get(info.name) ?? []).flatMap(({ file, imported }) =>
        imported
          .filter((name) => name.startsWith("@scenario/") && name !== info.name && !allowed.includes(name))
          .map((name) => `${relative(root, file)} imports ${name}`),
      );
      expect(violations).toEqual([]);
    });

    it(`${info.name} imports only packages it declares`, () => {
      const manifest = info.manifest;
      const declared = new Set([
        ...Object.keys(manifest.dependencies ?? {}),
        ...Object.keys(manifest.peerDependencies ?? {}),
      ]);
      const undeclared = (importsOf.get(info.name) ?? []).flatMap(({ file, imported }) =>
        imported
          .filter((name) => name !== info.name && !declared.has(name))
          .map((name) => `${relative(root, file)} imports ${name}`),
      );
      expect(undeclared).toEqual([]);
    });
  }
});

describe("built packages load in plain Node both ways", () => {
  for (const info of packages) {
    it(`${info.name} loads with require() and import with the same exports`, () => {
      const built = join(info.dir, "dist", "index.js");
      if (!existsSync(built)) {
        throw new Error(
          `${relative(root, built)} is missing: build first (npm test builds before running vitest).`,
        );
      }
      // Run from the package's own directory so Node resolves it by name through its "exports"
      // (self-reference), exactly as a user's require/import would, without the source condition.
      const run = (args: string[]) =>
        execFileSync(process.execPath, args, {
          cwd: info.dir,
          encoding: "utf8",
          env: { ...process.env, NODE_OPTIONS: "" },
        });
      const required = run([
        "-e",
        `console.log(JSON.stringify(Object.keys(require(${JSON.stringify(info.name)})).sort()))`,
      ]);
      const imported = run([
        "--input-type=module",
        "-e",
        `const m = await import(${JSON.stringify(info.name)}); console.log(JSON.stringify(Object.keys(m).filter((k) => k !== "default" && k !== "module.exports").sort()))`,
      ]);
      const requiredNames = JSON.parse(required.trim().split("\n").at(-1) as string) as string[];
      const importedNames = JSON.parse(imported.trim().split("\n").at(-1) as string) as string[];
      expect(importedNames).toEqual(requiredNames.filter((name) => name !== "default"));
    });
  }
});
