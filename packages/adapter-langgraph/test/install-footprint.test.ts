// "A user installing only @scenario/kit and @scenario/adapter-langgraph gets no other framework",
// proved from the manifests: starting from those two packages, follow what a package manager
// installs (dependencies, and peers that are not optional, which npm installs by itself) through
// the installed manifests, and look at every package reached.

import { existsSync, readFileSync, realpathSync } from "node:fs";
import { dirname, join } from "node:path";
import { describe, expect, it } from "vitest";

const PACKAGES = join(import.meta.dirname, "..", "..");

interface Manifest {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** The folder of `name` as Node would find it from `fromDir`: the nearest node_modules that holds it. */
function locate(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name, "package.json");
    if (existsSync(candidate)) return realpathSync(dirname(candidate));
    if (dirname(dir) === dir) return undefined;
  }
}

function readManifest(dir: string): Manifest {
  return JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest;
}

/** Every package installed with `roots`, by name, and the names that could not be located. */
function installClosure(roots: string[]): { names: Set<string>; unresolved: string[] } {
  const names = new Set<string>();
  const unresolved: string[] = [];
  const seenDirs = new Set<string>();
  const queue = [...roots];
  while (queue.length > 0) {
    const dir = queue.shift() as string;
    if (seenDirs.has(dir)) continue;
    seenDirs.add(dir);
    const manifest = readManifest(dir);
    names.add(manifest.name);
    const required = [
      ...Object.keys(manifest.dependencies ?? {}),
      ...Object.keys(manifest.peerDependencies ?? {}).filter(
        (peer) => manifest.peerDependenciesMeta?.[peer]?.optional !== true,
      ),
    ];
    for (const name of required) {
      const found = locate(name, dir);
      if (found === undefined) unresolved.push(`${name} (required by ${manifest.name})`);
      else queue.push(found);
    }
  }
  return { names, unresolved };
}

/** Agent frameworks (and their model clients) that only other adapters or our own tests bring. */
const OTHER_FRAMEWORKS = [
  "@openai/agents",
  "@openai/agents-core",
  "@openai/agents-openai",
  "@mastra/core",
  "@langchain/openai",
  "openai",
];

describe("installing @scenario/kit with @scenario/adapter-langgraph", () => {
  const { names, unresolved } = installClosure([join(PACKAGES, "kit"), join(PACKAGES, "adapter-langgraph")]);

  it("reaches every package it requires", () => {
    expect(unresolved).toEqual([]);
  });

  it("brings LangGraph through the adapter's peers, and no other agent framework", () => {
    expect(names).toContain("@langchain/langgraph");
    expect(names).toContain("@langchain/core");
    expect([...names].filter((name) => OTHER_FRAMEWORKS.includes(name))).toEqual([]);
  });

  it("brings no other Scenario adapter", () => {
    const adapters = [...names].filter((name) => name.startsWith("@scenario/adapter-"));
    expect(adapters).toEqual(["@scenario/adapter-langgraph"]);
  });

  it("the adapter's own manifest depends on @scenario/spec alone and takes LangGraph as a peer", () => {
    const manifest = readManifest(join(PACKAGES, "adapter-langgraph"));
    expect(Object.keys(manifest.dependencies ?? {})).toEqual(["@scenario/spec"]);
    expect(Object.keys(manifest.peerDependencies ?? {}).sort()).toEqual([
      "@langchain/core",
      "@langchain/langgraph",
    ]);
  });
});

describe("the install walk", () => {
  it("does find a framework that a package requires, so its silence above means something", () => {
    const { names } = installClosure([join(PACKAGES, "kit"), join(PACKAGES, "adapter-openai-agents")]);
    expect(names).toContain("@openai/agents");
    expect(names).toContain("openai");
  });
});
