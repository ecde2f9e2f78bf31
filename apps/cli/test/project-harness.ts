import { mkdirSync, realpathSync, symlinkSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { temporaryDirectory } from "./cli-harness";

const REPOSITORY = join(import.meta.dirname, "..", "..", "..");
// The AI SDK of this test leg, as the kit sees it (leg 2 swaps in AI SDK 7 there).
const KIT_MODULES = join(REPOSITORY, "packages", "kit", "node_modules");

const WORKSPACE_PACKAGES: Record<string, string> = {
  "@scenario/cli": join(REPOSITORY, "apps", "cli"),
  "@scenario/kit": join(REPOSITORY, "packages", "kit"),
  "@scenario/testing": join(REPOSITORY, "packages", "testing"),
};

/** A new user's project in a temporary folder: a package.json and the packages named installed. */
export function newUserProject(installed: readonly string[]): { path: string; remove(): void } {
  const project = temporaryDirectory("scenario-first-hour-");
  writeFileSync(
    join(project.path, "package.json"),
    `${JSON.stringify({ name: "my-agent", type: "module" }, null, 2)}\n`,
  );
  for (const name of installed) {
    const target = WORKSPACE_PACKAGES[name] ?? realpathSync(join(KIT_MODULES, name));
    const link = join(project.path, "node_modules", name);
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync(target, link, "dir");
  }
  return project;
}
