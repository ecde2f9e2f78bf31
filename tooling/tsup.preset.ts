import { defineConfig, type Options } from "tsup";

/**
 * The one build every package shares: ESM and CJS with declarations for both, so each package
 * loads in plain Node through `import` and `require`. Packages pass extra entries (a CLI bin, a
 * `./test` entry) and nothing else.
 */
export function scenarioPackage(options: Partial<Options> = {}) {
  return defineConfig({
    entry: ["src/index.ts"],
    format: ["esm", "cjs"],
    target: "node20",
    platform: "node",
    sourcemap: true,
    clean: true,
    splitting: false,
    shims: true,
    // tsup sets baseUrl for the declaration build, which TypeScript 6 flags as deprecated.
    dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
    ...options,
  });
}
