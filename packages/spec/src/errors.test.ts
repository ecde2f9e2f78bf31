import { describe, expect, it } from "vitest";
import {
  AgentCallError,
  AgentRole,
  CacheMissError,
  isScenarioError,
  isVoiceAgentAdapter,
  ScenarioError,
  VOICE_SPECIFICATION_VERSION,
  VoiceFirstAudioTimeoutError,
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
