import { afterEach, describe, expect, it } from "vitest";
import {
  getScenarioInstrumentation,
  INSTRUMENTATION_SPECIFICATION_VERSION,
  registerScenarioInstrumentation,
  type ScenarioInstrumentation,
} from "./instrumentation";

afterEach(() => registerScenarioInstrumentation(undefined));

const instrumentation: ScenarioInstrumentation = {
  specificationVersion: INSTRUMENTATION_SPECIFICATION_VERSION,
  startSpan: () => {
    throw new Error("not used");
  },
};

describe("the instrumentation slot", () => {
  it("is shared through a Symbol.for key, so another copy of spec sees the same instrumentation", () => {
    expect(getScenarioInstrumentation()).toBeUndefined();
    registerScenarioInstrumentation(instrumentation);
    expect(getScenarioInstrumentation()).toBe(instrumentation);
    const slot = (globalThis as Record<symbol, unknown>)[Symbol.for("@scenario/spec.instrumentation")];
    expect(slot).toBe(instrumentation);
    registerScenarioInstrumentation(undefined);
    expect(getScenarioInstrumentation()).toBeUndefined();
  });

  it("ignores an instrumentation of another contract version", () => {
    registerScenarioInstrumentation({
      ...instrumentation,
      specificationVersion: "scenario.instrumentation.v9" as never,
    });
    expect(getScenarioInstrumentation()).toBeUndefined();
  });
});
