// Release metadata: every package we publish says where its code, docs and issue tracker are, what
// licence it carries (with the licence text beside it and in its tarball), that it publishes
// publicly with provenance, and which Node versions it supports, which must be ones CI tests.
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const REPOSITORY_URL = "git+https://github.com/scenario-dev/scenario.git";
const DOCS_URL = "https://scenario-dev.github.io/scenario/";
const ISSUES_URL = "https://github.com/scenario-dev/scenario/issues";
/** Packages whose dependencies need a newer Node than the rest (Mastra requires 22.13). */
const NODE_RANGE_EXCEPTIONS: Record<string, string> = { "@scenario/adapter-mastra": ">=22.13" };
const NODE_RANGE = ">=20.19";

interface Manifest {
  name: string;
  private?: boolean;
  license?: string;
  homepage?: string;
  repository?: { type?: string; url?: string; directory?: string };
  bugs?: { url?: string };
  keywords?: string[];
  publishConfig?: { access?: string; provenance?: boolean };
  engines?: { node?: string };
}

const published = ["packages", "apps"]
  .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
  .filter((dir) => existsSync(join(dir, "package.json")))
  .map((dir) => ({ dir, manifest: JSON.parse(readFileSync(join(dir, "package.json"), "utf8")) as Manifest }))
  .filter(({ manifest }) => manifest.private !== true);

describe("release metadata of every published package", () => {
  it("finds the published packages", () => {
    expect(published.map(({ manifest }) => manifest.name)).toEqual(
      expect.arrayContaining(["@scenario/spec", "@scenario/core", "@scenario/kit", "@scenario/cli"]),
    );
  });

  it.each(published.map(({ dir, manifest }) => [manifest.name, dir, manifest] as const))(
    "%s has repository, homepage, bugs, keywords, license, publishConfig and engines",
    (_name, dir, manifest) => {
      expect(manifest.repository).toEqual({
        type: "git",
        url: REPOSITORY_URL,
        directory: relative(root, dir).split("\\").join("/"),
      });
      expect(manifest.homepage?.startsWith(DOCS_URL)).toBe(true);
      expect(manifest.bugs).toEqual({ url: ISSUES_URL });
      expect(manifest.keywords).toContain("scenario");
      // More than the shared ones: a keyword that says what this package is for.
      expect(new Set(manifest.keywords).size).toBeGreaterThan(6);
      expect(manifest.license).toBe("MIT");
      expect(manifest.publishConfig).toEqual({ access: "public", provenance: true });
      expect(manifest.engines?.node).toBe(NODE_RANGE_EXCEPTIONS[manifest.name] ?? NODE_RANGE);
    },
  );

  it.each(published.map(({ dir, manifest }) => [manifest.name, dir] as const))(
    "%s has the MIT licence text beside its manifest",
    (_name, dir) => {
      const text = readFileSync(join(dir, "LICENSE"), "utf8");
      expect(text).toMatch(/^MIT License\n/);
      expect(text).toContain("Copyright (c) 2026 Scenario developers");
      expect(text).toBe(readFileSync(join(root, "LICENSE"), "utf8"));
    },
  );

  it("supports no Node major that CI does not test", () => {
    const workflow = readFileSync(join(root, ".github", "workflows", "ci.yml"), "utf8");
    const tested = [...workflow.matchAll(/^\s*-?\s*node:\s*"?(\d+)"?\s*$/gm)].map((match) =>
      Number(match[1]),
    );
    expect(tested.length).toBeGreaterThan(0);
    const lowestSupported = Math.min(
      ...published.map(({ manifest }) => Number(/^>=(\d+)/.exec(manifest.engines?.node ?? "")?.[1])),
    );
    expect(Math.min(...tested)).toBe(lowestSupported);
  });

  it("puts LICENSE and README.md in the packed tarball", async () => {
    const { packTarballs } = (await import(
      pathToFileURL(join(root, "tooling", "pack-tarballs.mjs")).href
    )) as {
      packTarballs(destination: string, options?: { only?: string[] }): Map<string, string>;
    };
    const destination = mkdtempSync(join(tmpdir(), "scenario-metadata-pack-"));
    try {
      const tarball = packTarballs(destination, { only: ["packages/spec"] }).get("@scenario/spec");
      expect(tarball).toBeDefined();
      const files = execFileSync("tar", ["-tzf", tarball as string], { encoding: "utf8" }).split("\n");
      expect(files).toContain("package/LICENSE");
      // npm adds LICENSE and README.md whatever `files` says; this proves it for our layout.
      expect(files).toContain("package/README.md");
    } finally {
      rmSync(destination, { recursive: true, force: true });
    }
  }, 120_000);
});
