// The release pipeline, exercised offline as release.yml runs it: in a throwaway git repository
// holding this workspace's manifests, a changeset is added, `changeset status` says what will be
// released, `changeset version` applies it, and every released package is packed (pnpm turns
// `workspace:^` into the new ranges, as `pnpm publish` does) and dry-run published with npm
// against an unreachable registry, so nothing can be written anywhere.
import { execFile, execFileSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const changesetBin = join(root, "node_modules", "@changesets", "cli", "bin.js");
/**
 * Nothing listens on port 9 (discard): a publish that reached for the registry would fail. npm's
 * `--offline` also keeps it from asking which versions exist, which it does even in a dry run.
 */
const NO_REGISTRY = "http://127.0.0.1:9/";
const PUBLISHES_AT_ONCE = 4;
const execFileAsync = promisify(execFile);
const DEPENDENCY_FIELDS = ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"];

interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  [field: string]: unknown;
}

interface Release {
  name: string;
  type: "major" | "minor" | "patch" | "none";
  oldVersion: string;
  newVersion: string;
}

// The AI SDK 7 leg's copy drops the bench from its workspace: only what pnpm-workspace.yaml lists.
const workspaceFile = readFileSync(join(root, "pnpm-workspace.yaml"), "utf8");
const folders = ["packages", "apps"]
  .flatMap((group) => readdirSync(join(root, group)).map((name) => `${group}/${name}`))
  .concat(
    ["examples", "bench"].filter((folder) => new RegExp(`^\\s*- ${folder}\\s*$`, "m").test(workspaceFile)),
  )
  .filter((folder) => existsSync(join(root, folder, "package.json")));

function readManifest(path: string): Manifest {
  return JSON.parse(readFileSync(path, "utf8")) as Manifest;
}

/** A git repository with the workspace's manifests, licences and READMEs: all that releasing reads. */
function createRepository(path: string): void {
  const files = ["package.json", "pnpm-workspace.yaml", ".changeset/config.json"].concat(
    folders.flatMap((folder) => ["package.json", "LICENSE", "README.md"].map((file) => `${folder}/${file}`)),
  );
  for (const file of files.filter((file) => existsSync(join(root, file)))) {
    mkdirSync(dirname(join(path, file)), { recursive: true });
    copyFileSync(join(root, file), join(path, file));
  }
  // changeset refuses an `ignore` entry that names no package of the workspace.
  const names = new Set(folders.map((folder) => readManifest(join(root, folder, "package.json")).name));
  const configFile = join(path, ".changeset", "config.json");
  const config = JSON.parse(readFileSync(configFile, "utf8")) as { ignore?: string[] };
  config.ignore = (config.ignore ?? []).filter((name) => names.has(name));
  writeFileSync(configFile, `${JSON.stringify(config, null, 2)}\n`);
  git(path, ["init", "--quiet", "--initial-branch=main"]);
  git(path, ["add", "--all"]);
  git(path, ["commit", "--quiet", "--message", "the workspace as it is"]);
}

function git(cwd: string, args: string[]): string {
  return execFileSync(
    "git",
    ["-c", "user.name=release test", "-c", "user.email=release@test.invalid", ...args],
    {
      cwd,
      encoding: "utf8",
    },
  );
}

/**
 * Links each package's workspace dependencies into its node_modules, as `pnpm install` would:
 * pnpm reads the linked manifests to turn `workspace:^` into the released range when packing.
 */
function linkWorkspaceDependencies(path: string): void {
  const folderOf = new Map(
    folders.map((folder) => [readManifest(join(path, folder, "package.json")).name, folder]),
  );
  for (const folder of folders) {
    const manifest = readManifest(join(path, folder, "package.json"));
    for (const field of DEPENDENCY_FIELDS) {
      for (const [name, range] of Object.entries((manifest[field] ?? {}) as Record<string, string>)) {
        const target = folderOf.get(name);
        if (!range.startsWith("workspace:") || target === undefined) continue;
        const link = join(path, folder, "node_modules", name);
        if (existsSync(link)) continue;
        mkdirSync(dirname(link), { recursive: true });
        symlinkSync(join(path, target), link, "dir");
      }
    }
  }
}

describe("the release pipeline, dry run", () => {
  let work: string;
  let releases: Release[];
  const changed = "@scenario/spec";

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), "scenario-release-dry-run-"));
    createRepository(work);
    writeFileSync(
      join(work, ".changeset", "dry-run-spec.md"),
      `---\n"${changed}": minor\n---\n\nA contract change, released by the dry run.\n`,
    );
    execFileSync(process.execPath, [changesetBin, "status", "--output=status.json"], {
      cwd: work,
      encoding: "utf8",
    });
    releases = (
      JSON.parse(readFileSync(join(work, "status.json"), "utf8")) as { releases: Release[] }
    ).releases.filter((release) => release.type !== "none");
  }, 120_000);

  afterAll(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("changeset status releases the changed package and, with a patch, every package depending on it", () => {
    const spec = releases.find((release) => release.name === changed);
    expect(spec?.type).toBe("minor");
    const [major, minor] = (spec?.oldVersion ?? "").split(".").map(Number);
    expect(spec?.newVersion).toBe(`${major}.${(minor as number) + 1}.0`);
    // The packages that depend on spec at runtime go out with it, so a user gets matching versions.
    const dependents = folders
      .map((folder) => readManifest(join(root, folder, "package.json")))
      .filter(
        (manifest) => !manifest.private && (manifest.dependencies as Record<string, string>)?.[changed],
      );
    expect(dependents.length).toBeGreaterThan(0);
    for (const dependent of dependents) {
      expect(releases.find((release) => release.name === dependent.name)?.type).toBe("patch");
    }
    // Private packages are never released.
    for (const name of ["@scenario/examples", "@scenario/bench", "@scenario/docs"]) {
      expect(releases.map((release) => release.name)).not.toContain(name);
    }
  });

  it("changeset version writes the next versions and changelogs; every changed package dry-run publishes with its next version", async () => {
    execFileSync(process.execPath, [changesetBin, "version"], { cwd: work, encoding: "utf8" });
    const folderOf = new Map(
      folders.map((folder) => [readManifest(join(work, folder, "package.json")).name, folder]),
    );
    for (const release of releases) {
      const folder = folderOf.get(release.name) as string;
      expect(readManifest(join(work, folder, "package.json")).version).toBe(release.newVersion);
    }
    expect(readFileSync(join(work, folderOf.get(changed) as string, "CHANGELOG.md"), "utf8")).toContain(
      "A contract change, released by the dry run.",
    );

    linkWorkspaceDependencies(work);
    const destination = join(work, "tarballs");
    execFileSync(
      process.execPath,
      [
        join(root, "tooling", "pnpm.mjs"),
        "-r",
        ...releases.flatMap((release) => ["--filter", release.name]),
        "pack",
        "--pack-destination",
        destination,
      ],
      { cwd: work, encoding: "utf8" },
    );
    const tarballs = readdirSync(destination);
    expect(tarballs).toHaveLength(releases.length);

    let dependingOnSpec = 0;
    for (const tarball of tarballs) {
      const manifest = JSON.parse(
        execFileSync("tar", ["-xzOf", join(destination, tarball), "package/package.json"], {
          encoding: "utf8",
        }),
      ) as Manifest;
      // The packed manifest depends on the new spec, not on `workspace:^`.
      const specRange = (manifest.dependencies as Record<string, string> | undefined)?.[changed];
      if (specRange === undefined) continue;
      dependingOnSpec += 1;
      expect(specRange).toBe(`^${releases.find((release) => release.name === changed)?.newVersion}`);
    }
    expect(dependingOnSpec).toBeGreaterThan(0);

    // A few publishes at once: each is mostly npm starting up.
    const published: string[] = [];
    for (let start = 0; start < tarballs.length; start += PUBLISHES_AT_ONCE) {
      const outputs = await Promise.all(
        tarballs
          .slice(start, start + PUBLISHES_AT_ONCE)
          .map((tarball) =>
            execFileAsync(
              "npm",
              ["publish", "--dry-run", "--offline", "--registry", NO_REGISTRY, join(destination, tarball)],
              { cwd: work, encoding: "utf8" },
            ),
          ),
      );
      for (const { stdout } of outputs) {
        published.push(...stdout.split("\n").filter((line) => line.startsWith("+ ")));
      }
    }
    expect(published.sort()).toEqual(
      releases.map((release) => `+ ${release.name}@${release.newVersion}`).sort(),
    );
  }, 300_000);
});
