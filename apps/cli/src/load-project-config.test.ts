import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadProjectConfig } from "./load-project-config";
import { createModuleLoader } from "./module-loader";

let directory: string;

beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-config-"));
});

afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writeConfig(name: string, body: string): string {
  const path = join(directory, name);
  writeFileSync(path, body);
  return path;
}

async function load(configPath?: string) {
  return loadProjectConfig({ cwd: directory, configPath, load: createModuleLoader() });
}

async function loadError(configPath?: string): Promise<ConfigurationError> {
  const error = await load(configPath).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ConfigurationError);
  return error as ConfigurationError;
}

describe("loadProjectConfig", () => {
  it("returns an empty config rooted at cwd when there is no file", async () => {
    expect(await load()).toEqual({ config: {}, rootDir: directory });
  });

  it("loads a TypeScript config from cwd", async () => {
    const file = writeConfig(
      "scenario.config.ts",
      `const concurrency: number = 2;\nexport default { concurrency, maxTurns: 3, reporters: ["console", ["junit", { path: "x.xml" }]], cacheMode: "replay" as const };\n`,
    );
    const loaded = await load();
    expect(loaded.file).toBe(file);
    expect(loaded.rootDir).toBe(directory);
    expect(loaded.config).toMatchObject({ concurrency: 2, maxTurns: 3, cacheMode: "replay" });
  });

  it("loads an .mjs config given with --config", async () => {
    writeConfig("custom.mjs", "export default { outputDir: 'out', setup: () => undefined };\n");
    const loaded = await load("custom.mjs");
    expect(loaded.config.outputDir).toBe("out");
    expect(typeof loaded.config.setup).toBe("function");
  });

  it("names an unknown key and the file", async () => {
    const file = writeConfig("scenario.config.ts", "export default { concurency: 2 };\n");
    const error = await loadError();
    expect(error.message).toContain(file);
    expect(error.message).toContain('unknown key "concurency"');
    expect(error.message).toContain("concurrency");
  });

  it("names a key of the wrong type with what was expected", async () => {
    writeConfig(
      "scenario.config.mts",
      'export default { maxTurns: "ten", defaultModel: { model: {}, temprature: 1 } };\n',
    );
    const error = await loadError();
    expect(error.message).toMatch(/"maxTurns": expected a whole number/);
    expect(error.message).toMatch(/"defaultModel\.model": expected an AI SDK language model/);
    expect(error.message).toMatch(/unknown key "defaultModel\.temprature"/);
  });

  it("rejects a bad cache mode and a bad reporter", async () => {
    writeConfig("scenario.config.js", 'export default { cacheMode: "sometimes", reporters: [42] };\n');
    const error = await loadError();
    expect(error.message).toMatch(/"cacheMode": expected one of off, read-write, replay, record/);
    expect(error.message).toMatch(/"reporters\[0\]": expected a reporter name/);
  });

  it("reports a config file that does not load", async () => {
    const file = writeConfig("scenario.config.ts", "export default { ;\n");
    const error = await loadError();
    expect(error.message).toContain(`Could not load config file ${file}`);
  });

  it("reports a --config path that does not exist", async () => {
    const error = await loadError("missing.config.ts");
    expect(error.message).toMatch(/missing\.config\.ts does not exist/);
  });
});
