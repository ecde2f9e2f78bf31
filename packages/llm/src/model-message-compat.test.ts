import type { ModelMessage } from "@scenario/spec";
import type { ModelMessage as SdkModelMessage } from "ai";
import { describe, expect, it } from "vitest";

// Scenario's messages re-declare the AI SDK's structurally (spec has no dependencies). These
// functions only compile while the two stay assignable both ways, so `input.messages` goes
// straight into `generateText({ messages })` and `response.messages` straight back.
const toSdk = (message: ModelMessage): SdkModelMessage => message;
const fromSdk = (message: SdkModelMessage): ModelMessage => message;

describe("ModelMessage compatibility with the AI SDK", () => {
  it("is assignable both ways", () => {
    const message: ModelMessage = { role: "user", content: "hi" };
    expect(fromSdk(toSdk(message))).toBe(message);
  });
});
