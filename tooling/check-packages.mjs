#!/usr/bin/env node
// Lints every published package as a user would receive it: packs the packages (as publishing
// does, `workspace:^` turned into ranges), then runs publint on each tarball and
// @arethetypeswrong/cli, which requires the types of every entry point to resolve under node16 (CJS
// and ESM) and bundler resolution, and the root entry's under node10 too: what our dual ESM/CJS
// builds promise. Exits 1 when either finds a problem. Needs the packages built first
// (`npm run build`). Works offline.
//
//   node tooling/check-packages.mjs                      every published package
//   node tooling/check-packages.mjs packages/spec ...    only these folders
import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { publint } from "publint";
import { formatMessage } from "publint/utils";
import { packTarballs, publishedFolders } from "./pack-tarballs.mjs";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const require = createRequire(import.meta.url);
const attwBin = join(dirname(require.resolve("@arethetypeswrong/cli/package.json")), "dist", "index.js");

async function lintTarball(tarball) {
  const problems = [];
  const data = readFileSync(tarball);
  const { messages, pkg } = await publint({
    pack: { tarball: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) },
    level: "warning",
  });
  for (const message of messages) {
    problems.push(`publint ${message.type}: ${formatMessage(message, pkg, { color: false })}`);
  }
  // The root entry must resolve everywhere, node10 included (main/types); subpath entries cannot
  // under node10 (TypeScript 6 deprecates it) and must under node16 and bundler.
  // --no-definitely-typed: our packages ship their own types, and the check must not reach a registry.
  for (const [profile, entrypoints] of [
    ["strict", ["--entrypoints", "."]],
    ["node16", []],
  ]) {
    const attw = spawnSync(
      process.execPath,
      [
        attwBin,
        tarball,
        "--profile",
        profile,
        ...entrypoints,
        "--no-definitely-typed",
        "--format",
        "ascii",
        "--no-emoji",
        "--no-color",
      ],
      { cwd: root, encoding: "utf8" },
    );
    if (attw.status !== 0) problems.push(`attw (${profile} profile):\n${attw.stdout}${attw.stderr}`);
  }
  return problems;
}

const folders = process.argv.length > 2 ? process.argv.slice(2) : publishedFolders();
const destination = mkdtempSync(join(tmpdir(), "scenario-check-packages-"));
let failed = 0;
try {
  const tarballs = packTarballs(destination, { only: folders });
  if (tarballs.size !== folders.length) {
    throw new Error(
      `Packed ${tarballs.size} tarballs for ${folders.length} packages: ${[...tarballs.keys()]}`,
    );
  }
  for (const [name, tarball] of tarballs) {
    const problems = await lintTarball(tarball);
    if (problems.length === 0) {
      console.log(`ok    ${name}`);
      continue;
    }
    failed += 1;
    console.log(`FAIL  ${name}`);
    for (const problem of problems) console.log(`      ${problem.replaceAll("\n", "\n      ")}`);
  }
} finally {
  rmSync(destination, { recursive: true, force: true });
}
console.log(
  failed === 0
    ? `publint and attw: ${folders.length} packages clean`
    : `publint and attw: ${failed} of ${folders.length} packages have problems (see above)`,
);
process.exit(failed === 0 ? 0 : 1);
