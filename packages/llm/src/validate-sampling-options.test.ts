import { ConfigurationError } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { validateSamplingOptions } from "./validate-sampling-options";

describe("validateSamplingOptions", () => {
  it("returns valid options as given, unset ones undefined", () => {
    expect(validateSamplingOptions({ temperature: 0.7, maxTokens: 200 }, "judgeAgent")).toEqual({
      temperature: 0.7,
      maxTokens: 200,
    });
    expect(validateSamplingOptions({}, "judgeAgent")).toEqual({
      temperature: undefined,
      maxTokens: undefined,
    });
  });

  it("names the factory, the option and the value it rejects", () => {
    const cases: Array<[{ temperature?: unknown; maxTokens?: unknown }, string]> = [
      [{ temperature: 5 }, "judgeAgent({ temperature }) must be a number from 0 to 2; got 5."],
      [{ temperature: Number.NaN }, "judgeAgent({ temperature }) must be a number from 0 to 2; got NaN."],
      [{ temperature: "0.5" }, "judgeAgent({ temperature }) must be a number from 0 to 2; got 0.5."],
      [{ maxTokens: 0 }, "judgeAgent({ maxTokens }) must be a positive integer; got 0."],
      [{ maxTokens: 1.5 }, "judgeAgent({ maxTokens }) must be a positive integer; got 1.5."],
    ];
    for (const [options, message] of cases) {
      expect(() => validateSamplingOptions(options, "judgeAgent")).toThrow(ConfigurationError);
      expect(() => validateSamplingOptions(options, "judgeAgent")).toThrow(message);
    }
  });
});
