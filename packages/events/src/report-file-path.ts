import { resolve } from "node:path";

/** The default folder of the file reporters. */
export const DEFAULT_OUTPUT_DIR = "scenario-reports";

/** The file names the built-in file reporters write inside their folder. */
export const REPORT_FILE_NAMES = {
  jsonl: "events.jsonl",
  junit: "junit.xml",
  html: "index.html",
} as const;

/** Where a file reporter writes: the options every built-in file reporter shares. */
export interface ReportFileLocation {
  /** The folder of the report, relative to `cwd`. @default "scenario-reports" */
  outputDir?: string | undefined;
  /** The file, relative to `cwd`; wins over `outputDir`. @default "<outputDir>/<fileName>" */
  path?: string | undefined;
  /** The folder relative paths start from. @default process.cwd() */
  cwd?: string | undefined;
}

/**
 * The absolute path a file reporter writes to: `path`, else `fileName` inside `outputDir`, both
 * relative to `cwd`. The reporters and the CLI (which prints where the HTML report went) share it
 * so they never disagree.
 */
export function reportFilePath(location: ReportFileLocation, fileName: string): string {
  return resolve(
    location.cwd ?? process.cwd(),
    location.path ?? `${location.outputDir ?? DEFAULT_OUTPUT_DIR}/${fileName}`,
  );
}
