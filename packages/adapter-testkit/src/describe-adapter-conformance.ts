import { describe, it } from "vitest";
import { adapterConformanceChecks } from "./adapter-conformance-checks";
import type { AdapterConformanceOptions, AdapterFactory } from "./adapter-conformance-options";

/**
 * Registers the adapter conformance suite in the calling vitest file: one test per check, in a
 * `describe` block named after `title`. Checks that do not apply (no `failing` adapter, no `run`)
 * are registered as skipped, with the reason in their title.
 *
 * @example
 * describeAdapterConformance(() => aiSdkAgent({ model, tools }), {
 *   failing: () => aiSdkAgent({ model: modelOfAClosedServer }),
 *   reportsUsage: true,
 *   run,
 * });
 */
export function describeAdapterConformance(
  createAdapter: AdapterFactory,
  options: AdapterConformanceOptions & {
    /** The `describe` block's title. @default "adapter conformance" */
    title?: string;
  } = {},
): void {
  const timeout = options.timeoutMs ?? 30_000;
  describe(options.title ?? "adapter conformance", () => {
    for (const check of adapterConformanceChecks(createAdapter, options)) {
      if (check.skip !== undefined) it.skip(`${check.name} (skipped: ${check.skip})`, () => {});
      else it(check.name, () => check.run(), timeout);
    }
  });
}
