// Install footprint: the production dependency closure a user gets with `@scenario/kit` (text
// scenarios: executor, script, judge, simulator, reporters) against `@langwatch/scenario`.
// Walks the installed tree as Node would resolve it; prints packages, bytes and the ratio.
import { existsSync, readdirSync, readFileSync, realpathSync, statSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));

function findPackageDir(name, fromDir) {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, "node_modules", name);
    if (existsSync(join(candidate, "package.json"))) return realpathSync(candidate);
    if (dirname(dir) === dir) return undefined;
  }
}

function directoryBytes(dir, { skipNodeModules }) {
  let total = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (skipNodeModules && entry.name === "node_modules") continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) total += directoryBytes(path, { skipNodeModules });
    else if (entry.isFile()) total += statSync(path).size;
  }
  return total;
}

function packageBytes(dir, manifest) {
  // Workspace packages are measured by what they publish (`files`), as a user would install them.
  if (!dir.includes("node_modules") && Array.isArray(manifest.files)) {
    return manifest.files
      .filter((entry) => !entry.startsWith("!"))
      .map((entry) => join(dir, entry))
      .filter((path) => existsSync(path))
      .reduce(
        (sum, path) =>
          sum +
          (statSync(path).isDirectory()
            ? directoryBytes(path, { skipNodeModules: true })
            : statSync(path).size),
        0,
      );
  }
  return directoryBytes(dir, { skipNodeModules: true });
}

function closure(rootName) {
  const seen = new Map();
  const queue = [[rootName, here]];
  while (queue.length > 0) {
    const [name, fromDir] = queue.shift();
    const dir = findPackageDir(name, fromDir);
    if (!dir || seen.has(dir)) continue;
    const manifest = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
    seen.set(dir, { name, bytes: packageBytes(dir, manifest) });
    for (const dependency of Object.keys({ ...manifest.dependencies, ...manifest.optionalDependencies })) {
      queue.push([dependency, dir]);
    }
  }
  const packages = [...seen.values()];
  return { packages: packages.length, bytes: packages.reduce((sum, entry) => sum + entry.bytes, 0) };
}

const ours = closure("@scenario/kit");
const theirs = closure("@langwatch/scenario");
const megabytes = (bytes) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;
console.log("install footprint (production dependency closure, as installed here)");
console.log(
  `  @scenario/kit        ${String(ours.packages).padStart(4)} packages  ${megabytes(ours.bytes).padStart(9)}`,
);
console.log(
  `  @langwatch/scenario  ${String(theirs.packages).padStart(4)} packages  ${megabytes(theirs.bytes).padStart(9)}`,
);
console.log(
  `  ratio (reference / ours): ${(theirs.packages / ours.packages).toFixed(1)}x packages, ${(theirs.bytes / ours.bytes).toFixed(1)}x bytes`,
);
