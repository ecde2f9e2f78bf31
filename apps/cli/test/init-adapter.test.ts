// `scenario init --adapter <name>`: the names and folders it accepts, the manifest it writes, and
// the promise of the issue: the scaffolded package passes `npm install && npm test` on a fresh
// machine. @scenario/spec and @scenario/adapter-testkit are not on a registry, so the test (never
// the scaffold) points the project at tarballs packed from this workspace.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, runCli, runCliInProcess as scenario, temporaryDirectory } from "./cli-harness";

const REPOSITORY = join(import.meta.dirname, "..", "..", "..");
const SPEC_VERSION = (
  JSON.parse(readFileSync(join(REPOSITORY, "packages", "spec", "package.json"), "utf8")) as {
    version: string;
  }
).version;
const INSTALL_TIMEOUT_MS = 600_000;

/** The workspace's packing helpers (tooling/pack-tarballs.mjs, shared with the fresh-install test). */
interface PackTarballs {
  packTarballs(destination: string, options?: { only?: string[] }): Map<string, string>;
  userEnvironment(extra?: Record<string, string>): NodeJS.ProcessEnv;
}
// Imported by URL: the .mjs has no type declarations, and the interface above states what is used.
const tooling = (await import(
  pathToFileURL(join(REPOSITORY, "tooling", "pack-tarballs.mjs")).href
)) as PackTarballs;

function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, "utf8"));
}

describe("scenario init --adapter: names, folders, manifest", () => {
  let work: ReturnType<typeof temporaryDirectory>;
  beforeAll(() => {
    work = temporaryDirectory("scenario-init-adapter-names-");
  });
  afterAll(() => work?.remove());

  it.each([
    ["Foo", "is not a valid adapter name"],
    ["my_framework", "is not a valid adapter name"],
    ["1st", "is not a valid adapter name"],
    ["scenario-adapter-", "is not a valid adapter name"],
    ["@Acme/foo", 'has an invalid scope "@Acme"'],
  ])("refuses %j with an error that names the problem and the fix", async (name, problem) => {
    const result = await scenario(["init", "--adapter", name], work.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(problem);
    expect(result.stderr).toContain("scenario init --adapter");
    expect(existsSync(join(work.path, `scenario-adapter-${name.toLowerCase()}`))).toBe(false);
  });

  it("writes a publishable package: spec as its only dependency, the framework as a peer", async () => {
    const result = await scenario(
      ["init", "--adapter", "@acme/my-framework", "--framework", "@my/framework@^2.1.0"],
      work.path,
    );
    expect(result.code, result.stderr).toBe(0);
    const folder = join(work.path, "scenario-adapter-my-framework");
    const manifest = readJson(join(folder, "package.json"));
    expect(manifest).toMatchObject({
      name: "@acme/scenario-adapter-my-framework",
      type: "module",
      types: "./dist/index.d.ts",
      sideEffects: false,
      files: ["dist", "src"],
      engines: { node: ">=20.19" },
      exports: {
        ".": {
          import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
          require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
        },
      },
      dependencies: { "@scenario/spec": `^${SPEC_VERSION}` },
      peerDependencies: { "@my/framework": "^2.1.0" },
      publishConfig: { access: "public" },
    });
    expect(Object.keys(manifest.dependencies as object)).toEqual(["@scenario/spec"]);
    expect(Object.keys(manifest.scripts as object)).toEqual(
      expect.arrayContaining(["build", "test", "typecheck", "changeset", "release"]),
    );
    const devRanges = Object.entries(manifest.devDependencies as Record<string, string>);
    expect(devRanges.map(([name]) => name)).toEqual(
      expect.arrayContaining(["@scenario/adapter-testkit", "tsup", "typescript", "vitest", "@my/framework"]),
    );
    for (const [name, range] of devRanges) expect(range, name).toMatch(/^\^\d/);
    for (const path of [
      "tsconfig.json",
      "tsup.config.ts",
      "src/index.ts",
      "test/conformance.test.ts",
      "README.md",
      ".changeset/config.json",
      ".gitignore",
    ]) {
      expect(existsSync(join(folder, path)), path).toBe(true);
    }
    // The architecture rule, for the scaffold too: an adapter imports @scenario/spec alone.
    const source = readFileSync(join(folder, "src", "index.ts"), "utf8");
    const imported = [...source.matchAll(/from "([^"]+)"/g)].map((match) => match[1]);
    expect(imported).toEqual(["@scenario/spec"]);
    expect(source).toContain("export function myFrameworkAgent(");
    expect(source).toContain('"MyFrameworkAgent"');
    expect(result.stdout).toContain("cd scenario-adapter-my-framework && npm install && npm test");
  });

  it("refuses a Scenario package as the framework", async () => {
    const result = await scenario(["init", "--adapter", "other", "--framework", "@scenario/core"], work.path);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("an adapter depends on @scenario/spec alone");
    expect(existsSync(join(work.path, "scenario-adapter-other"))).toBe(false);
  });

  it("refuses a folder that is not empty, and writes over it with --force", async () => {
    const folder = join(work.path, "scenario-adapter-taken");
    mkdirSync(folder);
    writeFileSync(join(folder, "package.json"), '{ "name": "mine" }\n');
    writeFileSync(join(folder, "notes.txt"), "keep me\n");

    const refused = await scenario(["init", "--adapter", "taken"], work.path);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("already exists and is not empty");
    expect(refused.stderr).toContain("--force");
    expect(readJson(join(folder, "package.json")).name).toBe("mine");

    const forced = await scenario(["init", "--adapter", "taken", "--force"], work.path);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stdout).toMatch(/replaced\s+scenario-adapter-taken\/package\.json/);
    expect(readJson(join(folder, "package.json")).name).toBe("scenario-adapter-taken");
    expect(readFileSync(join(folder, "notes.txt"), "utf8")).toBe("keep me\n");
  });
});

interface Shell {
  status: number | null;
  output: string;
}

/** Runs a command line the way a user's shell would, in `cwd`, bounded by the install timeout. */
function shell(command: string, cwd: string): Shell {
  const child = spawnSync(command, {
    cwd,
    shell: true,
    encoding: "utf8",
    env: tooling.userEnvironment({ NO_COLOR: "1", CI: "1" }),
    timeout: INSTALL_TIMEOUT_MS,
  });
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips terminal colours from the output.
  const output = `${child.stdout ?? ""}${child.stderr ?? ""}`.replace(/\u001b\[[0-9;]*m/g, "");
  return { status: child.status, output };
}

describe("a scaffolded adapter on a fresh machine", () => {
  let work: ReturnType<typeof temporaryDirectory>;
  let project: string;
  let firstRun: Shell;

  beforeAll(async () => {
    assertCliBuilt();
    for (const name of ["spec", "adapter-testkit"]) {
      if (!existsSync(join(REPOSITORY, "packages", name, "dist", "index.js"))) {
        throw new Error(
          `packages/${name}/dist is missing: this test packs it as published. Build first ` +
            `(\`pnpm --filter @scenario/${name} build\`, or \`npm test\`, which builds everything).`,
        );
      }
    }
    work = temporaryDirectory("scenario-init-adapter-");
    const scaffold = await runCli(["init", "--adapter", "echo"], { cwd: work.path });
    expect(scaffold.code, scaffold.stderr).toBe(0);
    project = join(work.path, "scenario-adapter-echo");

    // Test-only rewrite: the two unpublished packages come from tarballs, the rest from the registry.
    const tarballs = tooling.packTarballs(join(work.path, "tarballs"), {
      only: ["packages/spec", "packages/adapter-testkit"],
    });
    const fromTarballs = Object.fromEntries([...tarballs].map(([name, file]) => [name, `file:${file}`]));
    expect(Object.keys(fromTarballs).sort()).toEqual(["@scenario/adapter-testkit", "@scenario/spec"]);
    const manifest = readJson(join(project, "package.json")) as {
      dependencies: Record<string, string>;
      devDependencies: Record<string, string>;
    };
    manifest.dependencies["@scenario/spec"] = fromTarballs["@scenario/spec"] as string;
    manifest.devDependencies["@scenario/adapter-testkit"] = fromTarballs[
      "@scenario/adapter-testkit"
    ] as string;
    writeFileSync(
      join(project, "package.json"),
      `${JSON.stringify({ ...manifest, overrides: fromTarballs }, null, 2)}\n`,
    );

    firstRun = shell("npm install --no-audit --no-fund && npm test", project);
  }, INSTALL_TIMEOUT_MS);

  afterAll(() => {
    if (work && !process.env.KEEP_INIT_ADAPTER) work.remove();
  });

  it("passes `npm install && npm test`, and the output lists the conformance checks", () => {
    expect(firstRun.status, firstRun.output).toBe(0);
    for (const check of [
      "declares its role, name and specification version",
      "returns a valid AgentReturn for a new message",
      "takes the messages added since its last call from newMessages",
      "surfaces a failed call as an AgentCallError with its name",
    ]) {
      expect(firstRun.output).toMatch(new RegExp(`✓ .*scenario-adapter-echo conformance > ${check}`));
    }
    expect(firstRun.output).toMatch(/reports token usage through recordUsage \(skipped: /);
    expect(firstRun.output).toMatch(/Test Files\s+1 passed \(1\)/);
    expect(firstRun.output).not.toMatch(/\d+ failed/);
  });

  it("was built by the install, typechecks, and loads with import and require", () => {
    for (const file of ["index.js", "index.cjs", "index.d.ts", "index.d.cts"]) {
      expect(existsSync(join(project, "dist", file)), file).toBe(true);
    }
    const typecheck = shell("npm run typecheck", project);
    expect(typecheck.status, typecheck.output).toBe(0);
    const loaded = shell(
      `node -e "console.log(require('scenario-adapter-echo').echoAgent().name)" && ` +
        `node --input-type=module -e "console.log((await import('scenario-adapter-echo')).echoAgent().specificationVersion)"`,
      project,
    );
    expect(loaded.status, loaded.output).toBe(0);
    expect(loaded.output).toContain("EchoAgent");
    expect(loaded.output).toContain("scenario.agent.v1");
  });

  it("fails `npm test` when the adapter breaks the contract", () => {
    const sourcePath = join(project, "src", "index.ts");
    const source = readFileSync(sourcePath, "utf8");
    const broken = source.replace("    specificationVersion: AGENT_SPECIFICATION_VERSION,\n", "");
    expect(broken).not.toBe(source);
    writeFileSync(sourcePath, broken);
    try {
      const result = shell("npm test", project);
      expect(result.status).not.toBe(0);
      expect(result.output).toMatch(/× .*declares its role, name and specification version/);
      expect(result.output).toContain('declare `specificationVersion: "scenario.agent.v1"`');
    } finally {
      writeFileSync(sourcePath, source);
    }
  });
});
