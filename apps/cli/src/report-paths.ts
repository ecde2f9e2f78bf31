import { resolve } from "node:path";
import type { LangWatchSettings } from "@scenario/kit";
import type { ReporterSpec } from "@scenario/spec";

const FILE_REPORTERS = new Set(["jsonl", "junit", "html"]);

/**
 * Points the built-in file reporters at `outputDir` and gives the `http` reporter the config's
 * LangWatch settings, unless a spec's own options say otherwise.
 */
export function withReportDefaults(
  specs: readonly ReporterSpec[],
  defaults: { outputDir: string; langwatch?: LangWatchSettings },
): ReporterSpec[] {
  return specs.map((spec) => {
    if (typeof spec === "object" && !Array.isArray(spec)) return spec;
    const [name, options] = typeof spec === "string" ? [spec, {}] : spec;
    if (FILE_REPORTERS.has(name)) return [name, { outputDir: defaults.outputDir, ...options }];
    if (name === "http" && defaults.langwatch) return [name, { ...defaults.langwatch, ...options }];
    return spec;
  });
}

/** Where the built-in HTML reporter writes, when it is among `specs` (after `withReportDefaults`). */
export function htmlReportPath(specs: readonly ReporterSpec[], cwd: string): string | undefined {
  for (const spec of specs) {
    if (!Array.isArray(spec) || spec[0] !== "html") continue;
    const options = spec[1] as { path?: unknown; outputDir?: unknown };
    if (typeof options.path === "string") return resolve(cwd, options.path);
    if (typeof options.outputDir === "string") return resolve(cwd, options.outputDir, "index.html");
  }
  return undefined;
}
