import { REPORT_FILE_NAMES, type ReportFileLocation, reportFilePath } from "@scenario/events";
import type { LangWatchSettings } from "@scenario/kit";
import type { ReporterSpec } from "@scenario/spec";

export { DEFAULT_REPORTERS } from "./cli-defaults";

const FILE_REPORTERS = new Set(Object.keys(REPORT_FILE_NAMES));

/**
 * Points the built-in file reporters at `outputDir` and gives the `http` reporter the config's
 * LangWatch settings and the environment its defaults are read from, unless a spec's own options
 * say otherwise. In debug mode the console reporter prints plain lines: a live view would redraw
 * over the prompt.
 */
export function withReportDefaults(
  specs: readonly ReporterSpec[],
  defaults: { outputDir: string; langwatch?: LangWatchSettings; env?: NodeJS.ProcessEnv; debug?: boolean },
): ReporterSpec[] {
  return specs.map((spec) => {
    if (typeof spec === "object" && !Array.isArray(spec)) return spec;
    const [name, options] = typeof spec === "string" ? [spec, {}] : spec;
    if (name === "console" && defaults.debug) return [name, { ...options, live: false }];
    if (FILE_REPORTERS.has(name)) return [name, { outputDir: defaults.outputDir, ...options }];
    if (name === "http") return [name, { env: defaults.env, ...defaults.langwatch, ...options }];
    return spec;
  });
}

/**
 * Where the built-in HTML reporter writes, when it is among `specs` (after `withReportDefaults`);
 * `cwd` is the folder `resolveReporters` was given, which the spec's own `cwd` overrides.
 */
export function htmlReportPath(specs: readonly ReporterSpec[], cwd: string): string | undefined {
  for (const spec of specs) {
    if (!Array.isArray(spec) || spec[0] !== "html") continue;
    return reportFilePath({ cwd, ...(spec[1] as ReportFileLocation) }, REPORT_FILE_NAMES.html);
  }
  return undefined;
}
