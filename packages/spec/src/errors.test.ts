import { describe, expect, it, vi } from "vitest";
import * as spec from "./index";
import {
  AgentCallError,
  AgentRole,
  CacheMissError,
  ConfigurationError,
  isScenarioError,
  isVoiceAgentAdapter,
  ScenarioError,
  ScriptError,
  VOICE_SPECIFICATION_VERSION,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
} from "./index";

describe("ScenarioError", () => {
  it("carries a stable code, its class name and the original error as cause", () => {
    const original = new Error("ECONNRESET");
    const error = new CacheMissError("No recording for scenario refunds", { cause: original });
    expect(error).toBeInstanceOf(ScenarioError);
    expect(error.code).toBe("CACHE_MISS");
    expect(error.name).toBe("CacheMissError");
    expect(error.cause).toBe(original);
    expect(isScenarioError(error)).toBe(true);
    expect(isScenarioError(Object.assign(new Error("ENOENT"), { code: "ENOENT" }))).toBe(false);
  });

  it("names the adapter in an agent call failure", () => {
    const error = new AgentCallError("WeatherAgent", "rate limited");
    expect(error.message).toBe("[WeatherAgent] rate limited");
    expect(error.agentName).toBe("WeatherAgent");
    expect(error.code).toBe("AGENT_CALL_FAILED");
  });

  it("leaves cause unset when none is given", () => {
    expect("cause" in new VoiceFirstAudioTimeoutError("no audio within 10000 ms")).toBe(false);
  });
});

type Spec = typeof spec;

/** One error of every concrete class spec exports, each with the class that built it. */
function oneOfEach(module: Spec): Array<[typeof ScenarioError, ScenarioError]> {
  return [
    [module.ConfigurationError, new module.ConfigurationError("bad flag")],
    [module.MissingAgentError, new module.MissingAgentError("no judge")],
    [module.AgentCallError, new module.AgentCallError("WeatherAgent", "rate limited")],
    [module.InvalidAgentReturnError, new module.InvalidAgentReturnError("a number")],
    [module.ScriptError, new module.ScriptError("two turns")],
    [module.RunCancelledError, new module.RunCancelledError()],
    [module.ModelMissingError, new module.ModelMissingError("no model")],
    [module.ModelCallError, new module.ModelCallError("503")],
    [module.CacheMissError, new module.CacheMissError("no recording")],
    [module.JudgeError, new module.JudgeError("no verdict")],
    [module.UserSimulatorError, new module.UserSimulatorError("empty line")],
    [module.ReporterError, new module.ReporterError("hook threw")],
    [module.VoiceFirstAudioTimeoutError, new module.VoiceFirstAudioTimeoutError("silent")],
    [module.VoiceStreamEndedError, new module.VoiceStreamEndedError("closed")],
    [module.VoiceServerError, new module.VoiceServerError("500")],
    [module.VoiceUnsupportedError, new module.VoiceUnsupportedError("no dtmf")],
  ] as Array<[typeof ScenarioError, ScenarioError]>;
}

/** A second, separately evaluated copy of spec: what a CJS build beside the ESM one amounts to. */
async function anotherCopy(): Promise<Spec> {
  vi.resetModules();
  const copy = (await import("./index")) as Spec;
  expect(copy.ScenarioError).not.toBe(ScenarioError);
  return copy;
}

describe("ScenarioError.isInstance", () => {
  it("accepts every Scenario error, and each subclass only errors of its own class", () => {
    const all = oneOfEach(spec);
    for (const [errorClass, error] of all) {
      expect(ScenarioError.isInstance(error)).toBe(true);
      expect(isScenarioError(error)).toBe(true);
      for (const [otherClass] of all) {
        expect(otherClass.isInstance(error), `${otherClass.name}.isInstance(a ${error.name})`).toBe(
          otherClass === errorClass,
        );
      }
    }
  });

  it("recognises errors built by another copy of the module, where instanceof cannot", async () => {
    const copy = await anotherCopy();
    const foreign = new copy.ConfigurationError("Invalid cache mode");
    expect(foreign).not.toBeInstanceOf(ScenarioError);
    expect(ScenarioError.isInstance(foreign)).toBe(true);
    expect(ConfigurationError.isInstance(foreign)).toBe(true);
    expect(ScriptError.isInstance(foreign)).toBe(false);
    expect(isScenarioError(foreign)).toBe(true);
    // and the other way round, for every class
    for (const [, error] of oneOfEach(spec)) {
      expect(copy.ScenarioError.isInstance(error)).toBe(true);
      expect(copy.isScenarioError(error)).toBe(true);
    }
    const local = oneOfEach(spec);
    for (const [copyClass, copyError] of oneOfEach(copy)) {
      for (const [localClass, localError] of local) {
        const same = localClass.name === copyClass.name;
        expect(
          localClass.isInstance(copyError),
          `${localClass.name}.isInstance(a copy's ${copyClass.name})`,
        ).toBe(same);
        expect(
          copyClass.isInstance(localError),
          `copy's ${copyClass.name}.isInstance(a ${localClass.name})`,
        ).toBe(same);
      }
    }
  });

  it("accepts subclasses of a class, but not the parent for the subclass", () => {
    class QuotaExceededError extends VoiceServerError {}
    const quota = new QuotaExceededError("quota exceeded");
    expect(VoiceServerError.isInstance(quota)).toBe(true);
    expect(QuotaExceededError.isInstance(quota)).toBe(true);
    expect(ScenarioError.isInstance(quota)).toBe(true);
    expect(QuotaExceededError.isInstance(new VoiceServerError("500"))).toBe(false);
    expect(VoiceStreamEndedError.isInstance(quota)).toBe(false);
  });

  it("names each class's marker after its declared errorName, not its runtime class name", () => {
    // What a bundler does to a class that refers to itself: `class _QuotaError`.
    const Built = class _QuotaError extends ScenarioError {
      static override readonly errorName = "acme.QuotaError";
      constructor() {
        super("CONFIG_INVALID", "quota exceeded");
      }
    };
    const Source = class QuotaError extends ScenarioError {
      static override readonly errorName = "acme.QuotaError";
      constructor() {
        super("CONFIG_INVALID", "quota exceeded");
      }
    };
    expect(Built.name).not.toBe(Source.name);
    expect(Source.isInstance(new Built())).toBe(true);
    expect(Built.isInstance(new Source())).toBe(true);
    expect(new Built().name).toBe("acme.QuotaError");
    expect(ConfigurationError.isInstance(new Built())).toBe(false);
  });

  it("declares errorName on every class of errors.ts, equal to its exported name", () => {
    const declared = Object.entries(spec).filter(
      ([, value]) => typeof value === "function" && Object.hasOwn(value, "errorName"),
    );
    expect(declared.map(([exported]) => exported)).toEqual(
      expect.arrayContaining(["ScenarioError", "ConfigurationError", "AgentCallError", "JudgeError"]),
    );
    expect(declared.length).toBeGreaterThanOrEqual(13);
    for (const [exported, errorClass] of declared) {
      expect((errorClass as typeof ScenarioError).errorName).toBe(exported);
    }
  });

  it("rejects look-alikes: other errors, a matching name or code, non-objects", () => {
    const lookAlikes: unknown[] = [
      new Error("boom"),
      Object.assign(new Error("bad"), { name: "ConfigurationError", code: "CONFIG_INVALID" }),
      { name: "ScenarioError", code: "JUDGE_FAILED", message: "no verdict" },
      null,
      undefined,
      "ConfigurationError",
      42,
    ];
    for (const value of lookAlikes) {
      expect(ScenarioError.isInstance(value)).toBe(false);
      expect(ConfigurationError.isInstance(value)).toBe(false);
      expect(isScenarioError(value)).toBe(false);
    }
  });

  it("keeps its markers out of spreads and printed diffs (they are not enumerable)", () => {
    const error = new ConfigurationError("bad flag");
    const markers = Object.getOwnPropertySymbols(error);
    expect(markers.map((marker) => marker.description)).toEqual([
      "@scenario/spec.error.ConfigurationError",
      "@scenario/spec.error.ScenarioError",
    ]);
    expect(markers.every((marker) => !Object.prototype.propertyIsEnumerable.call(error, marker))).toBe(true);
    expect(Object.getOwnPropertySymbols({ ...error })).toEqual([]);
  });

  it("says how to call it when it is passed on without its class", () => {
    const detached = ConfigurationError.isInstance;
    expect(() => [new ScriptError("x")].filter(detached)).toThrow(TypeError);
    expect(() => [new ScriptError("x")].filter(detached)).toThrow(
      "`(error) => ConfigurationError.isInstance(error)`",
    );
    const wrapped = [new ScriptError("x"), new ConfigurationError("y")].filter((error) =>
      ConfigurationError.isInstance(error),
    );
    expect(wrapped.map((error) => error.code)).toEqual(["CONFIG_INVALID"]);
  });
});

describe("isVoiceAgentAdapter", () => {
  it("recognises adapters by their voice contract version only", () => {
    const text = { role: AgentRole.AGENT, call: () => "hi" };
    const voice = { ...text, voiceSpecificationVersion: VOICE_SPECIFICATION_VERSION };
    const other = { ...text, voiceSpecificationVersion: "someone.else.v9" };
    expect(isVoiceAgentAdapter(voice)).toBe(true);
    expect(isVoiceAgentAdapter(text)).toBe(false);
    expect(isVoiceAgentAdapter(other)).toBe(false);
  });
});
