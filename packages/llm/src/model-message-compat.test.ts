import type { ModelMessage } from "@scenario/spec";
import type { ModelMessage as SdkModelMessage } from "ai";
import { describe, expect, it } from "vitest";

// @scenario/llm registers the installed `ai`'s ModelMessage with spec (register-ai-types.ts), so
// Scenario's ModelMessage is exactly the user's AI SDK 6 or 7 type. These functions only compile
// while the two are assignable both ways, in each test leg (ai 6, then ai 7): `input.messages`
// goes straight into `generateText({ messages })` and `response.messages` straight back.
const toSdk = (message: ModelMessage): SdkModelMessage => message;
const fromSdk = (message: SdkModelMessage): ModelMessage => message;

describe("ModelMessage compatibility with the AI SDK", () => {
  it("is the installed AI SDK's own type, both ways", () => {
    const message: ModelMessage = { role: "user", content: "hi" };
    expect(fromSdk(toSdk(message))).toBe(message);
  });
});
