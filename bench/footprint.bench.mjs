// Install footprint, measured the way a new user gets it: real `npm install`s into clean temporary
// projects, our packages packed as tarballs (as they would be published), the reference from the
// registry. Prints packages and bytes on disk for:
//   1. `@scenario/kit` + `@scenario/cli` in an empty project (npm installs their peers: ai, zod…)
//   2. `@langwatch/scenario` in an empty project (the reference)
//   3. what kit + cli ADD to a project that already has ai, @ai-sdk/openai and zod — the number a
//      user of the AI SDK pays for Scenario.
// Needs the npm registry; takes a minute or two. Nothing here asserts anything.
// An install is deterministic, so each figure is one sample (BENCH_ROUNDS does not repeat it);
// BENCH_QUICK=1 measures the empty-project installs only.
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { packTarballs, userEnvironment } from "../tooling/pack-tarballs.mjs";
import { benchRow, reportBench, summarize } from "./lib/bench-stats.mjs";

const QUICK = process.env.BENCH_QUICK === "1";

const work = mkdtempSync(join(tmpdir(), "scenario-footprint-"));
const REFERENCE = "@langwatch/scenario@0.5.3";
/** The AI SDK a new user installs today, next to which our packages are measured. */
const USER_STACK = { ai: "^7.0.0", "@ai-sdk/openai": "^4.0.0", zod: "^4.1.8" };

function npm(args, cwd) {
  // Measure what a user gets: no workspace paths leaking into resolution.
  return execFileSync("npm", args, {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
    env: userEnvironment(),
  });
}

/** Every installed package (node_modules/**\/package.json of a package directory) and total bytes. */
function measure(project) {
  let packages = 0;
  let bytes = 0;
  const walk = (dir, insideNodeModules) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name === ".bin" || entry.name === ".cache") continue;
        walk(path, insideNodeModules || entry.name === "node_modules");
      } else if (entry.isFile()) {
        bytes += statSync(path).size;
      }
    }
  };
  const countPackages = (nodeModules) => {
    for (const entry of readdirSync(nodeModules, { withFileTypes: true })) {
      if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
      const dirs = entry.name.startsWith("@")
        ? readdirSync(join(nodeModules, entry.name)).map((name) => join(nodeModules, entry.name, name))
        : [join(nodeModules, entry.name)];
      for (const dir of dirs) {
        try {
          statSync(join(dir, "package.json"));
          packages += 1;
        } catch {
          continue;
        }
        try {
          countPackages(join(dir, "node_modules"));
        } catch {
          // no nested node_modules
        }
      }
    }
  };
  walk(join(project, "node_modules"), true);
  countPackages(join(project, "node_modules"));
  return { packages, bytes };
}

function install(name, dependencies, overrides = {}) {
  const project = join(work, name);
  mkdirSync(project);
  writeFileSync(
    join(project, "package.json"),
    JSON.stringify({ name, private: true, dependencies, overrides }, null, 2),
  );
  // --ignore-scripts: the reference's ffmpeg download would otherwise reach outside the registry.
  npm(["install", "--no-audit", "--no-fund", "--ignore-scripts"], project);
  return measure(project);
}

const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
const row = (label, { packages, bytes }) =>
  console.log(
    `  ${label.padEnd(44)} ${String(packages).padStart(4)} packages  ${megabytes(bytes).padStart(9)}`,
  );

try {
  const tarballs = Object.fromEntries(
    [...packTarballs(join(work, "tarballs"))].map(([name, file]) => [name, `file:${file}`]),
  );
  const ours = { "@scenario/kit": tarballs["@scenario/kit"], "@scenario/cli": tarballs["@scenario/cli"] };
  const [referenceName, referenceVersion] = [
    REFERENCE.slice(0, REFERENCE.lastIndexOf("@")),
    REFERENCE.split("@").at(-1),
  ];

  const kitAndCli = install("ours-alone", ours, tarballs);
  const reference = install("reference-alone", { [referenceName]: referenceVersion });

  console.log("install footprint (real npm installs into clean projects; scripts not run)");
  row("@scenario/kit + @scenario/cli, empty project", kitAndCli);
  row(`${REFERENCE}, empty project`, reference);
  const installNote =
    "one real npm install each (--ignore-scripts: the reference's ffmpeg download is not counted)";
  const rows = [
    benchRow({
      id: "footprint-empty-packages",
      metric: "install into an empty project: packages (kit + cli vs the reference)",
      unit: "packages",
      better: "lower",
      ours: summarize([kitAndCli.packages]),
      reference: summarize([reference.packages]),
      note: installNote,
    }),
    benchRow({
      id: "footprint-empty-bytes",
      metric: "install into an empty project: bytes on disk (kit + cli vs the reference)",
      unit: "MB",
      better: "lower",
      ours: summarize([kitAndCli.bytes / 1024 / 1024]),
      reference: summarize([reference.bytes / 1024 / 1024]),
      note: installNote,
    }),
  ];

  if (!QUICK) {
    const stack = install("user-stack", USER_STACK);
    const stackWithOurs = install("user-stack-with-ours", { ...USER_STACK, ...ours }, tarballs);
    const added = {
      packages: stackWithOurs.packages - stack.packages,
      bytes: stackWithOurs.bytes - stack.bytes,
    };
    const stackWithReference = install("user-stack-with-reference", {
      ...USER_STACK,
      [referenceName]: referenceVersion,
    });
    const referenceAdded = {
      packages: stackWithReference.packages - stack.packages,
      bytes: stackWithReference.bytes - stack.bytes,
    };
    row(`ai 7 + @ai-sdk/openai 4 + zod (the user's stack)`, stack);
    row("  + @scenario/kit + @scenario/cli adds", added);
    row(`  + ${REFERENCE} adds`, referenceAdded);
    console.log(
      `  ratio (reference / ours): empty project ${(reference.packages / kitAndCli.packages).toFixed(1)}x packages, ` +
        `${(reference.bytes / kitAndCli.bytes).toFixed(1)}x bytes; added to an AI SDK project ` +
        `${(referenceAdded.packages / added.packages).toFixed(1)}x packages, ${(referenceAdded.bytes / added.bytes).toFixed(1)}x bytes`,
    );
    const version = JSON.parse(
      readFileSync(join(work, "user-stack", "node_modules", "ai", "package.json"), "utf8"),
    ).version;
    console.log(`  (ai ${version}; the reference's ffmpeg binary download is not counted)`);
    const addedNote = `${installNote}; added to a project with ai ${version}, @ai-sdk/openai 4 and zod (the reference pins AI SDK 6, so it brings a second ai)`;
    rows.push(
      benchRow({
        id: "footprint-added-packages",
        metric: "added to a project with ai 7 + @ai-sdk/openai 4 + zod: packages",
        unit: "packages",
        better: "lower",
        ours: summarize([added.packages]),
        reference: summarize([referenceAdded.packages]),
        note: addedNote,
      }),
      benchRow({
        id: "footprint-added-bytes",
        metric: "added to a project with ai 7 + @ai-sdk/openai 4 + zod: bytes on disk",
        unit: "MB",
        better: "lower",
        ours: summarize([added.bytes / 1024 / 1024]),
        reference: summarize([referenceAdded.bytes / 1024 / 1024]),
        note: addedNote,
      }),
    );
  }
  reportBench("footprint", rows);
} finally {
  rmSync(work, { recursive: true, force: true });
}
