// Adds the Scenario matchers to vitest's `expect` types, for every file that imports this package
// (or lists it in tsconfig `types`); `@scenario/vitest/setup` adds them at run time.
import type { Assertion } from "vitest";
import type { ScenarioMatchers } from "./scenario-matchers";

declare module "vitest" {
  // biome-ignore lint/suspicious/noExplicitAny: must match vitest's own declaration of Matchers.
  interface Matchers<T = any> extends ScenarioMatchers<T> {}
}

/** A vitest assertion with the Scenario matchers, for helpers typed outside a test file. */
export type ScenarioAssertion<T = unknown> = Assertion<T> & ScenarioMatchers<void>;
