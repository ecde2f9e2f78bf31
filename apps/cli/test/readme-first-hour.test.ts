import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";

const REPOSITORY = join(import.meta.dirname, "..", "..", "..");
const README = readFileSync(join(REPOSITORY, "README.md"), "utf8");

/** The text of a `## heading` section, up to the next `## ` heading. */
function section(markdown: string, heading: string): string {
  const start = markdown.indexOf(`\n## ${heading}\n`);
  expect(start, `README section "${heading}"`).toBeGreaterThan(-1);
  const end = markdown.indexOf("\n## ", start + 1);
  return markdown.slice(start, end === -1 ? undefined : end);
}

/** The package names a piece of code imports (bare specifiers, without subpaths). */
function importedPackages(code: string): string[] {
  const names = [...code.matchAll(/\bfrom\s+"([^".][^"]*)"/g)].map((match) => {
    const parts = match[1]!.split("/");
    return match[1]!.startsWith("@") ? parts.slice(0, 2).join("/") : parts[0]!;
  });
  return [...new Set(names)].filter((name) => !name.startsWith("node:"));
}

function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(new RegExp(`\`\`\`${language}\\n([\\s\\S]*?)\`\`\``, "g"))].map(
    (match) => match[1]!,
  );
}

/** Every package an `npm install` line (in a command or a comment) names. */
function installedBy(text: string): Set<string> {
  const names = new Set<string>();
  for (const match of text.matchAll(/npm install(?: -D)? ([^\n#)]+)/g)) {
    for (const word of match[1]!.trim().split(/\s+/)) if (!word.startsWith("-")) names.add(word);
  }
  return names;
}

describe("friction 1: the quick start imported `ai` and `@ai-sdk/openai` without installing them", () => {
  it("installs every package the quick start's code imports", () => {
    const quickStart = section(README, "Quick start");
    const install = installedBy(codeBlocks(quickStart, "sh")[0] ?? "");
    // A subsection may install more for its own snippets (another provider, a test runner's plugin);
    // the section about running inside vitest is for projects that already have vitest.
    for (const subsection of quickStart.split("\n### ")) {
      const installed = new Set([...install, ...installedBy(subsection), "vitest"]);
      for (const block of codeBlocks(subsection, "ts")) {
        for (const name of importedPackages(block)) expect(installed, `import of ${name}`).toContain(name);
      }
    }
    expect(install).toEqual(new Set(["@scenario/kit", "@scenario/cli", "ai", "@ai-sdk/openai", "zod"]));
  });

  it("the package READMEs install what their snippets import too", () => {
    for (const readme of ["packages/kit/README.md", "apps/cli/README.md"]) {
      const text = readFileSync(join(REPOSITORY, readme), "utf8");
      const installed = installedBy(text);
      for (const block of codeBlocks(text, "ts")) {
        for (const name of importedPackages(block)) {
          expect(installed, `${readme}: import of ${name}`).toContain(name);
        }
      }
    }
  });
});

describe("friction 10: the README's links into examples/ were dead for npm users", () => {
  const packageReadmes = ["apps/cli/README.md"];
  for (const directory of readdirSync(join(REPOSITORY, "packages"))) {
    if (existsSync(join(REPOSITORY, "packages", directory, "README.md"))) {
      packageReadmes.push(`packages/${directory}/README.md`);
    }
  }

  it("the packages new users install first have a README", () => {
    expect(packageReadmes).toEqual(expect.arrayContaining(["apps/cli/README.md", "packages/kit/README.md"]));
  });

  it.each(packageReadmes)("%s stands alone: no relative links, no paths of the repository", (readme) => {
    const text = readFileSync(join(REPOSITORY, readme), "utf8");
    const links = [...text.matchAll(/\]\(([^)]+)\)/g)].map((match) => match[1]!);
    expect(links.filter((link) => !/^(https?:|mailto:|#)/.test(link))).toEqual([]);
    expect(text).not.toMatch(/\b(examples|docs|tooling|apps|packages)\/[\w.-]+/);
  });
});
