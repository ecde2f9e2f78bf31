// Loads a package's build in a plain Node child process (no vitest, no source condition), once
// through `import` and once through `require`, exactly as a user's code would, and reports what a
// snippet of code saw each way. Not published: each package's tests import it by relative path.

import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";

/** Options of {@link loadDistBothWays}. */
export interface LoadDistBothWaysOptions {
  /** The package folder: its `package.json` names the package and maps `import`/`require` to dist. */
  packageDir: string;
  /** JavaScript (ES module) run once before both loads, for example to build a framework agent. */
  setup?: string;
  /**
   * The body of an async function run for each way with `module` (the loaded package) and `way`
   * (`"esm"` or `"cjs"`) in scope; what it returns (JSON-serialisable) is reported. `callOnce(adapter)`
   * is in scope too: it runs one agent turn with a fixed input and returns the adapter's
   * `specificationVersion`, `role`, `name`, the messages it answered and the usage it recorded.
   */
  body: string;
}

/** What the body returned, for each way of loading. */
export interface LoadedBothWays {
  esm: unknown;
  cjs: unknown;
}

// One fixed agent turn (a thread per way), shared by the adapters' dist checks.
const CALL_ONCE = `
async function callOnce(adapter) {
  const usage = [];
  const messages = await adapter.call({
    threadId: "t-" + way, messages: [{ role: "user", content: "hello" }], newMessages: [{ role: "user", content: "hello" }],
    requestedRole: "Agent", scenarioState: {}, scenarioConfig: {}, recordUsage: (u) => usage.push(u),
  });
  return { version: adapter.specificationVersion, role: adapter.role, name: adapter.name, messages, usage };
}
`;

/**
 * Runs `body` in a plain Node child with the package loaded by `import` and by `require` (its own
 * name, through the `exports` map) and returns both results. Throws, naming the build command, when
 * dist is missing.
 */
export function loadDistBothWays(options: LoadDistBothWaysOptions): LoadedBothWays {
  const packageJson = join(options.packageDir, "package.json");
  const { name } = JSON.parse(readFileSync(packageJson, "utf8")) as { name: string };
  const missing = ["index.js", "index.cjs"].filter(
    (file) => !existsSync(join(options.packageDir, "dist", file)),
  );
  if (missing.length > 0) {
    throw new Error(
      `dist/${missing.join(", dist/")} of ${name} is missing: build first (turbo run build --filter=${name}).`,
    );
  }
  const script = `
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(packageJson)});
${options.setup ?? ""}
const report = {};
for (const [way, module] of [["esm", await import(${JSON.stringify(name)})], ["cjs", require(${JSON.stringify(name)})]]) {
${CALL_ONCE}
  report[way] = await (async () => {
${options.body}
  })();
}
console.log(JSON.stringify(report));
`;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", script], {
    cwd: options.packageDir,
    encoding: "utf8",
    timeout: 60_000,
  });
  return JSON.parse(output.trim().split("\n").at(-1) as string) as LoadedBothWays;
}
