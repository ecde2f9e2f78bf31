import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ConfigurationError } from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { loadScenarioConfig } from "./load-scenario-config";

let project: string | undefined;
afterEach(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  project = undefined;
});

function projectWith(files: Record<string, string>): string {
  project = mkdtempSync(join(tmpdir(), "scenario-vitest-config-"));
  for (const [name, content] of Object.entries(files)) writeFileSync(join(project, name), content);
  return project;
}

const importModule = (path: string) => import(path);

describe("loadScenarioConfig", () => {
  it("returns an empty config rooted in cwd when there is no file", async () => {
    const cwd = projectWith({});
    expect(await loadScenarioConfig({ cwd, importModule })).toEqual({ config: {}, rootDir: cwd });
  });

  it("finds scenario.config.* in cwd and loads its default export", async () => {
    const cwd = projectWith({ "scenario.config.mjs": 'export default { maxTurns: 4, outputDir: "out" };\n' });
    const loaded = await loadScenarioConfig({ cwd, importModule });
    expect(loaded).toEqual({
      config: { maxTurns: 4, outputDir: "out" },
      file: join(cwd, "scenario.config.mjs"),
      rootDir: cwd,
    });
  });

  it("names the file and every bad key it uses", async () => {
    const cwd = projectWith({
      "scenario.config.mjs": 'export default { maxTurns: 0, reporters: "console", outputDir: "" };\n',
    });
    const error = await loadScenarioConfig({ cwd, importModule }).catch((thrown: unknown) => thrown);
    expect(ConfigurationError.isInstance(error)).toBe(true);
    const message = (error as Error).message;
    expect(message).toContain(`Invalid Scenario config in ${join(cwd, "scenario.config.mjs")}`);
    expect(message).toContain("maxTurns: expected a whole number of at least 1, got 0");
    expect(message).toContain("reporters: expected an array");
    expect(message).toContain('outputDir: expected a non-empty string, got ""');
  });

  it("says when an explicit file is missing or fails to load", async () => {
    const cwd = projectWith({ "broken.config.mjs": 'throw new Error("boom in config");\n' });
    await expect(loadScenarioConfig({ cwd, file: "nope.config.ts", importModule })).rejects.toThrow(
      /nope\.config\.ts does not exist\. Check the configFile option of scenarioVitest\(\)/,
    );
    const error = await loadScenarioConfig({ cwd, file: "broken.config.mjs", importModule }).catch(
      (thrown: unknown) => thrown,
    );
    expect((error as Error).message).toMatch(
      /Could not load the Scenario config .*broken\.config\.mjs: boom in config/,
    );
    expect(((error as Error).cause as Error).message).toBe("boom in config");
  });

  it("rejects a default export that is not an object", async () => {
    const cwd = projectWith({ "scenario.config.mjs": "export default 42;\n" });
    await expect(loadScenarioConfig({ cwd, importModule })).rejects.toThrow(
      /default export must be an object/,
    );
  });
});
