import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioReporter } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { BUILT_IN_REPORTERS, resolveReporters } from "./index";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-resolve-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function writePackage(name: string, manifest: Record<string, unknown>, files: Record<string, string>) {
  const root = join(directory, "node_modules", name);
  mkdirSync(root, { recursive: true });
  writeFileSync(join(root, "package.json"), JSON.stringify({ name, ...manifest }));
  for (const [file, text] of Object.entries(files)) writeFileSync(join(root, file), text);
}

describe("resolveReporters", () => {
  it("resolves every built-in by name and by [name, options]", async () => {
    const reporters = await resolveReporters(
      ["console", "jsonl", ["junit", { outputDir: "out" }], "html", ["http", { apiKey: "", env: {} }]],
      { cwd: directory },
    );
    expect(reporters.map((reporter) => reporter.name)).toEqual(["console", "jsonl", "junit", "html", "http"]);
    expect(BUILT_IN_REPORTERS).toEqual(["console", "jsonl", "junit", "html", "http"]);
  });

  it("passes a reporter object through", async () => {
    const mine: ScenarioReporter = { onRunEnd() {} };
    expect(await resolveReporters([mine])).toEqual([mine]);
  });

  it("loads a module path whose default export is a factory, handing it the options", async () => {
    writeFileSync(
      join(directory, "my-reporter.mjs"),
      "export default (options) => ({ name: 'mine:' + options.label, onRunEnd() {} });\n",
    );
    const [reporter] = await resolveReporters([["./my-reporter.mjs", { label: "x" }]], { cwd: directory });
    expect(reporter?.name).toBe("mine:x");
  });

  it("loads a module whose default export is a reporter object, and a class", async () => {
    writeFileSync(join(directory, "object.cjs"), "module.exports = { name: 'object', onEvent() {} };\n");
    writeFileSync(
      join(directory, "klass.mjs"),
      "export default class Mine { constructor(options) { this.name = 'class:' + options.n; } onEvent() {} }\n",
    );
    const reporters = await resolveReporters(["./object.cjs", ["./klass.mjs", { n: 2 }]], { cwd: directory });
    expect(reporters.map((reporter) => reporter.name)).toEqual(["object", "class:2"]);
  });

  it("loads third-party packages by name, CommonJS and ESM-only", async () => {
    writePackage(
      "scenario-reporter-cjs",
      { main: "index.js" },
      {
        "index.js": "exports.__esModule = true; exports.default = () => ({ name: 'cjs-package' });\n",
      },
    );
    writePackage(
      "@acme/scenario-reporter",
      { type: "module", exports: { ".": { import: "./dist/index.js" } } },
      {},
    );
    mkdirSync(join(directory, "node_modules", "@acme", "scenario-reporter", "dist"));
    writeFileSync(
      join(directory, "node_modules", "@acme", "scenario-reporter", "dist", "index.js"),
      "export default function acme(options) { return { name: 'acme-' + (options.level ?? 'none') }; }\n",
    );
    const reporters = await resolveReporters(
      ["scenario-reporter-cjs", ["@acme/scenario-reporter", { level: 3 }]],
      {
        cwd: directory,
      },
    );
    expect(reporters.map((reporter) => reporter.name)).toEqual(["cjs-package", "acme-3"]);
  });

  it("refuses an unknown name with the built-ins and how to pass a module", async () => {
    const failure = resolveReporters(["jsnol"], { cwd: directory });
    await expect(failure).rejects.toMatchObject({ name: "ReporterError", code: "REPORTER_FAILED" });
    await expect(failure).rejects.toThrow(
      /Unknown reporter "jsnol"\. Built-in reporters: console, jsonl, junit, html, http\. .*module path/,
    );
    await expect(resolveReporters(["./missing.js"], { cwd: directory })).rejects.toThrow(
      /Unknown reporter "\.\/missing\.js"/,
    );
  });

  it("explains a module that is not a reporter, fails to load, or has bad options", async () => {
    writeFileSync(join(directory, "number.mjs"), "export default 42;\n");
    writeFileSync(join(directory, "bad-hook.mjs"), "export default { onRunEnd: 'yes' };\n");
    writeFileSync(join(directory, "syntax.mjs"), "export default {{;\n");
    await expect(resolveReporters(["./number.mjs"], { cwd: directory })).rejects.toThrow(
      /The default export of "\.\/number\.mjs" is not a reporter/,
    );
    await expect(resolveReporters(["./bad-hook.mjs"], { cwd: directory })).rejects.toThrow(
      /"onRunEnd" that is not a function/,
    );
    await expect(resolveReporters(["./syntax.mjs"], { cwd: directory })).rejects.toThrow(
      /Cannot load reporter module/,
    );
    await expect(
      resolveReporters([["console", "loud" as unknown as Record<string, unknown>]], { cwd: directory }),
    ).rejects.toThrow(/options of reporter "console" must be an object/);
  });
});
