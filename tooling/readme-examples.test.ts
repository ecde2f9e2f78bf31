import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { describe, expect, it } from "vitest";
import { PACKAGE_GUIDES } from "../apps/docs/scripts/package-guides.mjs";

// Every published package's README shows one example that is a real file, examples/readme.ts, which
// the package's typecheck compiles. This test holds the README's copy to the file, so an example that
// stops compiling fails the typecheck and a README that drifts from the file fails here.

const root = join(import.meta.dirname, "..");

/** The comment that marks the README's example block; the file name is relative to examples/. */
const EXAMPLE_MARKER = /<!-- example: ([\w.-]+) -->\n+```ts\n([\s\S]*?)```/;

/** Where the published documentation lives; each README links to a page of it. */
const DOCS_SITE = "https://scenario-dev.github.io/scenario/";

interface PublishedPackage {
  dir: string;
  name: string;
  manifest: {
    name: string;
    private?: boolean;
    files?: string[];
    peerDependencies?: Record<string, string>;
    peerDependenciesMeta?: Record<string, { optional?: boolean }>;
  };
}

function publishedPackages(): PublishedPackage[] {
  return ["packages", "apps"]
    .flatMap((group) => readdirSync(join(root, group)).map((name) => join(root, group, name)))
    .filter((dir) => existsSync(join(dir, "package.json")))
    .map((dir) => {
      const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
      return { dir, name: manifest.name, manifest };
    })
    .filter((entry) => entry.manifest.private !== true);
}

/** Every package an `npm install` line names. */
function installedBy(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/npm install(?: -D)? ([^\n#)`]+)/g)) {
    for (const word of match[1]!.trim().split(/\s+/)) if (!word.startsWith("-")) names.add(word);
  }
  return names;
}

/** The package names a piece of code imports (bare specifiers, without subpaths). */
function importedPackages(code: string): string[] {
  const names = [...code.matchAll(/\bfrom\s+"([^".][^"]*)"/g)].map((match) => {
    const parts = match[1]!.split("/");
    return match[1]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  });
  return [...new Set(names)].filter((name) => !name.startsWith("node:"));
}

/** The paths under the docs site a README links to (the site's root is ""), without anchors. */
function docsPagesLinked(markdown: string): string[] {
  const escaped = DOCS_SITE.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return [...markdown.matchAll(new RegExp(`\\]\\(${escaped}([^)#]*)`, "g"))].map((match) => match[1]!);
}

/** Whether the docs site's sources (VitePress, apps/docs) have the page a site path names. */
/**
 * The pages `npm run docs` writes (gitignored, so not on disk before a build): the guide pages
 * from package READMEs and the CLI reference from the CLI's own definitions.
 */
const generatedPages = new Set([
  ...PACKAGE_GUIDES.map((guide: { page: string }) => `guide/${guide.page}`),
  "reference/cli.md",
]);

function docsPageExists(page: string): boolean {
  const path = page.replace(/\.html$/, "").replace(/\/$/, "/index");
  if (path === "") return true;
  return generatedPages.has(`${path}.md`) || existsSync(join(root, "apps", "docs", `${path}.md`));
}

const packages = publishedPackages();

describe("package READMEs", () => {
  it("finds the published packages, the CLI among them", () => {
    const names = packages.map((entry) => entry.name);
    expect(names).toEqual(expect.arrayContaining(["@scenario/kit", "@scenario/cli", "@scenario/spec"]));
    expect(names).not.toContain("@scenario/docs");
  });

  describe.each(packages.map((entry) => [entry.name, entry] as const))("%s", (_name, entry) => {
    const readmePath = join(entry.dir, "README.md");
    const readme = () => readFileSync(readmePath, "utf8");
    const where = relative(root, readmePath);

    it("has a README whose example block is examples/readme.ts verbatim", () => {
      expect(existsSync(readmePath), `${where} is missing`).toBe(true);
      const match = readme().match(EXAMPLE_MARKER);
      expect(
        match,
        `${where} has no "<!-- example: readme.ts -->" line before a \`\`\`ts block`,
      ).not.toBeNull();
      const file = join(entry.dir, "examples", match![1]!);
      expect(existsSync(file), `${relative(root, file)} is missing`).toBe(true);
      expect(match![2], `${where}'s example differs from ${relative(root, file)}: copy the file in`).toBe(
        readFileSync(file, "utf8"),
      );
    });

    it("installs the package, its required peers and everything the example imports", () => {
      const installed = installedBy(readme());
      expect(installed, `${where} has no "npm install" line naming ${entry.name}`).toContain(entry.name);
      const meta = entry.manifest.peerDependenciesMeta ?? {};
      for (const peer of Object.keys(entry.manifest.peerDependencies ?? {})) {
        if (meta[peer]?.optional) continue;
        expect(installed, `${where}: the install line misses the peer ${peer}`).toContain(peer);
      }
      const example = readme().match(EXAMPLE_MARKER)?.[2] ?? "";
      for (const name of importedPackages(example)) {
        expect(installed, `${where}: the example imports ${name}, which no install line names`).toContain(
          name,
        );
      }
    });

    it("links to the documentation site, to pages that exist", () => {
      expect(readme(), `${where} has no link to ${DOCS_SITE}`).toContain(`](${DOCS_SITE}`);
      for (const page of docsPagesLinked(readme())) {
        expect(
          docsPageExists(page),
          `${where} links to ${DOCS_SITE}${page}, which has no page in the docs site's sources`,
        ).toBe(true);
      }
    });

    it("typechecks the example and does not publish it", () => {
      const tsconfig = JSON.parse(readFileSync(join(entry.dir, "tsconfig.json"), "utf8"));
      expect(
        tsconfig.include,
        `${relative(root, entry.dir)}/tsconfig.json must include "examples"`,
      ).toContain("examples");
      expect(entry.manifest.files ?? []).not.toContain("examples");
    });
  });
});
