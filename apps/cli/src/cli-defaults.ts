// The defaults `scenario --help` shows. They live here, apart from the commands, so that help,
// version and usage errors load no more than commander: the commands pull in the executor, zod,
// the AI SDK and jiti, which take most of a second to load. `cli-defaults.test.ts` keeps each
// copy equal to the value of the package it comes from.

/** Exit code: every run passed. */
export const EXIT_PASSED = 0;
/** Exit code: some run failed or errored, or was cancelled by `--bail`. */
export const EXIT_FAILED = 1;
/** Exit code: a usage or configuration error (a missing model included). */
export const EXIT_USAGE = 2;

/** Scenarios at once when neither the flag nor the config says. */
export const DEFAULT_CONCURRENCY = 4;

/** The reports `run` and `merge-reports` write when neither a flag nor the config names reporters. */
export const DEFAULT_REPORTERS: ["console", "jsonl", "junit", "html"] = ["console", "jsonl", "junit", "html"];

/** The report folder by default: `@scenario/events`' `DEFAULT_OUTPUT_DIR`. */
export const DEFAULT_OUTPUT_DIR = "scenario-reports";

/** The record/replay cache modes: `@scenario/llm`'s `CACHE_MODES`. */
export const CACHE_MODE_CHOICES: readonly string[] = ["off", "read-write", "replay", "record"];
