#!/usr/bin/env node
// Every test, in both supported worlds: leg 1 runs the suite on this machine's Node with the
// lockfile's AI SDK (ai 6, @ai-sdk/openai 3); leg 2 runs it again on Node 22 with AI SDK 7
// (ai 7, @ai-sdk/openai 4), in a copy of the tree whose install overrides those packages. Node 22
// comes from the npm registry as a package holding the binary. The last line counts both legs.
//
//   node tooling/run-tests.mjs            both legs (what `npm test` and CI run)
//   node tooling/run-tests.mjs --leg 1    one leg only (2: the AI SDK 7 leg)
//   node tooling/run-tests.mjs --leg 2 --current-node
//                                         leg 2 on the Node running this script instead of Node 22
//                                         (GitHub Actions' matrix sets up Node 22 and 24 itself)
import { spawnSync } from "node:child_process";
import { copyFileSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const legArgument = process.argv.indexOf("--leg");
const onlyLeg = legArgument === -1 ? undefined : Number(process.argv[legArgument + 1]);
const currentNode = process.argv.includes("--current-node");

/** The AI SDK 7 leg's versions: the newest releases this suite was checked against. */
const AI_SDK_7 = { ai: "7.0.173", "@ai-sdk/openai": "4.0.118", "@ai-sdk/provider": "4.0.38" };
const NODE_22 = "22";

function run(command, args, options = {}) {
  console.log(`\n> ${[command, ...args].join(" ")}${options.cwd ? `   (in ${options.cwd})` : ""}`);
  const child = spawnSync(command, args, { stdio: "inherit", cwd: root, ...options });
  return child.status ?? 1;
}

function resultsFile(dir) {
  return join(dir, ".vitest-results.json");
}

function leg1() {
  console.log("\n=== leg 1: Node %s, AI SDK 6 (the lockfile) ===", process.versions.node);
  rmSync(resultsFile(root), { force: true });
  if (run(process.execPath, ["tooling/pnpm.mjs", "install", "--frozen-lockfile"]) !== 0) return 1;
  // The docs site is built (the build checks its internal links) and tested once, here, not in leg 2.
  if (run(process.execPath, ["tooling/pnpm.mjs", "run", "docs"]) !== 0) return 1;
  const status = run(process.execPath, ["tooling/pnpm.mjs", "run", "check"]);
  // publint and attw over the packed packages, which `check` has just built.
  return run(process.execPath, ["tooling/check-packages.mjs"]) === 0 ? status : 1;
}

/** Installs the newest Node 22 from the registry's node-<platform>-<arch> package, once per machine. */
function installNode22() {
  const packageName = `node-${process.platform}-${process.arch}`;
  const prefix = join(tmpdir(), `scenario-${packageName}-${NODE_22}`);
  const binary = join(prefix, "node_modules", packageName, "bin", "node");
  if (!existsSync(binary)) {
    mkdirSync(prefix, { recursive: true });
    const status = run("npm", [
      "install",
      "--prefix",
      prefix,
      "--no-save",
      "--no-audit",
      "--no-fund",
      `${packageName}@${NODE_22}`,
    ]);
    if (status !== 0 || !existsSync(binary)) throw new Error(`Could not install ${packageName}@${NODE_22}.`);
  }
  return binary;
}

/** Copies the tree's own files (tracked and new, never ignored ones such as node_modules). */
function copyTree(target) {
  rmSync(target, { recursive: true, force: true });
  mkdirSync(target, { recursive: true });
  const listed = spawnSync("git", ["ls-files", "-z", "--cached", "--others", "--exclude-standard"], {
    cwd: root,
    encoding: "buffer",
    maxBuffer: 64 * 1024 * 1024,
  });
  if (listed.status !== 0) throw new Error(`git ls-files failed: ${listed.stderr}`);
  for (const file of listed.stdout.toString("utf8").split("\0").filter(Boolean)) {
    if (!existsSync(join(root, file))) continue; // deleted in the work tree, not yet committed
    mkdirSync(dirname(join(target, file)), { recursive: true });
    copyFileSync(join(root, file), join(target, file));
  }
}

function leg2() {
  const node22 = currentNode ? process.execPath : installNode22();
  const tree = join(tmpdir(), "scenario-ai-sdk-7-leg");
  copyTree(tree);
  // The bench compares against a library pinned to AI SDK 6; it is not part of the test suite.
  const workspace = readFileSync(join(tree, "pnpm-workspace.yaml"), "utf8").replace(/^\s*- bench\n/m, "");
  const overrides = Object.entries(AI_SDK_7)
    .map(([name, version]) => `  "${name}": "${version}"`)
    .join("\n");
  writeFileSync(join(tree, "pnpm-workspace.yaml"), `${workspace.trimEnd()}\noverrides:\n${overrides}\n`);
  const env = {
    ...process.env,
    PATH: `${dirname(node22)}${delimiter}${process.env.PATH}`,
    // The copy's installs must not touch this tree's turbo cache or reports.
    TURBO_CACHE_DIR: join(tree, ".turbo"),
    // Leg 1 builds and tests the docs site; this copy has no build of it.
    SCENARIO_DOCS_SITE_TEST: "skip",
  };
  const version = spawnSync(node22, ["--version"], { encoding: "utf8" }).stdout.trim();
  console.log("\n=== leg 2: Node %s, AI SDK 7 (%s) ===", version, JSON.stringify(AI_SDK_7));
  const install = run(node22, ["tooling/pnpm.mjs", "install", "--no-frozen-lockfile"], { cwd: tree, env });
  if (install !== 0) return install;
  const status = run(node22, ["tooling/pnpm.mjs", "run", "check"], { cwd: tree, env });
  if (existsSync(resultsFile(tree))) copyFileSync(resultsFile(tree), join(root, ".vitest-results-leg2.json"));
  return status;
}

rmSync(join(root, ".vitest-results-leg2.json"), { force: true });
const statuses = [];
if (onlyLeg === undefined || onlyLeg === 1) statuses.push(leg1());
if (onlyLeg === undefined || onlyLeg === 2) statuses.push(leg2());
const summaryFiles = [
  ...(onlyLeg === 2 ? [] : [resultsFile(root)]),
  ...(onlyLeg === 1 ? [] : [join(root, ".vitest-results-leg2.json")]),
];
const summary = spawnSync(process.execPath, ["tooling/test-summary.mjs", ...summaryFiles], {
  cwd: root,
  stdio: "inherit",
});
process.exit(statuses.every((status) => status === 0) && summary.status === 0 ? 0 : 1);
