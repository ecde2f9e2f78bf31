// Packs every workspace package as it would be published, and the environment a user's shell
// would give a command: shared by the fresh-install test and the footprint bench.
import { execFileSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");

/**
 * The folders (`"packages/spec"`, `"apps/cli"`) of every package that is published: private ones,
 * such as the docs site, are not.
 * @returns {string[]}
 */
export function publishedFolders() {
  return ["packages", "apps"].flatMap((group) =>
    readdirSync(join(root, group))
      .map((name) => `${group}/${name}`)
      .filter((folder) => {
        const manifest = join(root, folder, "package.json");
        return existsSync(manifest) && JSON.parse(readFileSync(manifest, "utf8")).private !== true;
      }),
  );
}

/**
 * Packs every published package and app into `destination` with `pnpm -r pack`, which turns `workspace:^`
 * into the released range as publishing does. Returns the tarball paths by package name.
 * `options.only` packs just those packages (folders such as `"packages/spec"`), for a test that
 * needs a few and should not pay for packing them all.
 * @param {string} destination
 * @param {{ only?: string[] }} [options]
 * @returns {Map<string, string>}
 */
export function packTarballs(destination, options = {}) {
  const folders = options.only ?? publishedFolders();
  const output = execFileSync(
    process.execPath,
    [
      join(root, "tooling", "pnpm.mjs"),
      "-r",
      ...folders.flatMap((folder) => ["--filter", `./${folder}`]),
      "pack",
      "--pack-destination",
      destination,
    ],
    { cwd: root, encoding: "utf8" },
  );
  const tarballs = new Map();
  for (const line of output.split("\n")) {
    const file = line.trim();
    const name = /^scenario-([a-z-]+)-\d+\.\d+\.\d+\.tgz$/.exec(basename(file))?.[1];
    if (name) tarballs.set(`@scenario/${name}`, file);
  }
  return tarballs;
}

/**
 * The environment of a user's shell: without what our own test runner and package manager set
 * (pnpm's NODE_PATH into this workspace's node_modules would let a project find packages it never
 * installed) and without model keys or Scenario settings.
 * @returns {NodeJS.ProcessEnv}
 */
export function userEnvironment(extra = {}) {
  const clean = Object.fromEntries(
    Object.entries(process.env).filter(
      ([key]) =>
        !/^(NODE_PATH|NODE_OPTIONS|VITEST.*|TURBO_.*|PNPM_.*|npm_.*|OPENAI_.*|SCENARIO_.*)$/i.test(key),
    ),
  );
  return { ...clean, ...extra };
}
