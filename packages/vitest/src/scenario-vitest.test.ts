import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { ViteUserConfig } from "vitest/config";
import { SCENARIO_CONFIG_ENV } from "./load-scenario-config";
import { scenarioVitest } from "./scenario-vitest";
import { ScenarioVitestReporter } from "./scenario-vitest-reporter";

let project: string | undefined;
afterEach(() => {
  if (project) rmSync(project, { recursive: true, force: true });
  project = undefined;
});

function applyPlugin(config: ViteUserConfig, options?: Parameters<typeof scenarioVitest>[0]) {
  const hook = scenarioVitest(options).config as (config: ViteUserConfig) => void;
  hook(config);
  return config.test ?? {};
}

describe("scenarioVitest()", () => {
  it("adds the setup entry and the reporter beside vitest's default reporter", () => {
    project = mkdtempSync(join(tmpdir(), "scenario-vitest-plugin-"));
    writeFileSync(join(project, "scenario.config.mjs"), "export default {};\n");
    const test = applyPlugin({ root: project });
    const setupFiles = test.setupFiles as string[];
    expect(setupFiles).toHaveLength(1);
    expect(basename(setupFiles[0] as string)).toMatch(/^setup\.(js|ts)$/);
    expect(existsSync(setupFiles[0] as string)).toBe(true);
    const globalSetup = test.globalSetup as string[];
    expect(basename(globalSetup[0] as string)).toMatch(/^global-setup\.(js|ts)$/);
    expect(existsSync(globalSetup[0] as string)).toBe(true);
    const reporters = test.reporters as unknown[];
    expect(reporters[0]).toBe("default");
    expect(reporters[1]).toBeInstanceOf(ScenarioVitestReporter);
    expect(test.env?.[SCENARIO_CONFIG_ENV]).toBe(join(project, "scenario.config.mjs"));
    expect(test.env?.SCENARIO_BATCH_RUN_ID).toMatch(/^batch-run-/);
    expect(test.server?.deps?.inline).toEqual(["@scenario/vitest"]);
  });

  it("keeps the project's own setup files, reporters, env and inlined deps", () => {
    project = mkdtempSync(join(tmpdir(), "scenario-vitest-plugin-"));
    const test = applyPlugin({
      root: project,
      test: {
        setupFiles: "./my-setup.ts",
        reporters: ["verbose"],
        env: { MINE: "1" },
        server: { deps: { inline: ["my-lib"] } },
      },
    });
    expect((test.setupFiles as string[])[0]).toBe("./my-setup.ts");
    expect(test.setupFiles).toHaveLength(2);
    expect((test.reporters as unknown[])[0]).toBe("verbose");
    expect((test.reporters as unknown[])[1]).toBeInstanceOf(ScenarioVitestReporter);
    expect(test.reporters).toHaveLength(2);
    expect(test.env?.MINE).toBe("1");
    // No scenario.config.* in the root: the workers look for none.
    expect(test.env?.[SCENARIO_CONFIG_ENV]).toBeUndefined();
    expect(test.server?.deps?.inline).toEqual(["my-lib", "@scenario/vitest"]);
  });

  it("takes an explicit config file relative to the root", () => {
    project = mkdtempSync(join(tmpdir(), "scenario-vitest-plugin-"));
    const test = applyPlugin({ root: project }, { configFile: "config/scenario.config.ts" });
    expect(test.env?.[SCENARIO_CONFIG_ENV]).toBe(join(project, "config", "scenario.config.ts"));
  });

  it("reuses the batch id the environment gives, so CI shards can share one", () => {
    project = mkdtempSync(join(tmpdir(), "scenario-vitest-plugin-"));
    const previous = process.env.SCENARIO_BATCH_RUN_ID;
    process.env.SCENARIO_BATCH_RUN_ID = "batch-run-from-ci";
    try {
      expect(applyPlugin({ root: project }).env?.SCENARIO_BATCH_RUN_ID).toBe("batch-run-from-ci");
    } finally {
      if (previous === undefined) delete process.env.SCENARIO_BATCH_RUN_ID;
      else process.env.SCENARIO_BATCH_RUN_ID = previous;
    }
  });
});
