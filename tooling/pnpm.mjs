#!/usr/bin/env node
// Runs the exact pnpm version pinned in package.json, so a fresh machine needs only Node and npm:
// a matching global pnpm is used when present, otherwise npx fetches that exact version.
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";

const rootPackage = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));
const version = rootPackage.packageManager.replace(/^pnpm@/, "");
const args = process.argv.slice(2);

function installedVersion() {
  const probe = spawnSync("pnpm", ["--version"], { encoding: "utf8", shell: process.platform === "win32" });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
}

const [command, commandArgs] =
  installedVersion() === version ? ["pnpm", args] : ["npx", ["--yes", `pnpm@${version}`, ...args]];
const child = spawnSync(command, commandArgs, {
  stdio: "inherit",
  shell: process.platform === "win32",
  env: { ...process.env, COREPACK_ENABLE_STRICT: "0" },
});
process.exit(child.status ?? 1);
