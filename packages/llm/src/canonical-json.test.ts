import type { LanguageModelV3, LanguageModelV3CallOptions } from "@ai-sdk/provider";
import { describe, expect, it } from "vitest";
import { canonicalJson } from "./canonical-json";
import { callKey, encodeRecorded } from "./cassette-codec";

// How keys were written before canonicalJson: JSON.stringify with a replacer that sorts keys and
// tags bytes, dates and URLs. Every recording on disk is keyed by this text.
function replacerJson(value: unknown): string {
  return JSON.stringify(value, function (this: unknown, key: string, item: unknown) {
    const original = (this as Record<string, unknown>)[key];
    if (typeof item === "string") {
      return original instanceof Date || original instanceof URL ? encodeRecorded(original) : item;
    }
    if (item === null || typeof item !== "object" || Array.isArray(item)) return item;
    if (original instanceof Uint8Array || original instanceof ArrayBuffer) return encodeRecorded(original);
    if (item instanceof AbortSignal) return undefined;
    const copy: Record<string, unknown> = {};
    for (const name of Object.keys(item).sort()) copy[name] = (item as Record<string, unknown>)[name];
    return copy;
  });
}

// A judge-like call: tool calls and results, bytes, a URL, a date, unsorted keys, holes.
function sampleCall(): LanguageModelV3CallOptions {
  return {
    prompt: [
      { role: "system", content: "You judge.\nBe fair — “quotes” ✓ \u0000 \ud83d\ude00" },
      {
        role: "user",
        content: [
          { type: "text", text: "hi", providerOptions: undefined },
          { type: "file", mediaType: "image/png", data: new Uint8Array([1, 2, 3, 250]) },
          { type: "file", mediaType: "image/png", data: new URL("https://example.com/a.png") },
        ],
      },
      {
        role: "assistant",
        content: [
          {
            type: "tool-call",
            toolCallId: "c1",
            toolName: "finish_test",
            input: { verdicts: [{ criterion: "x", verdict: "met" }], z: 1, a: [1, undefined, null, 2.5, -0] },
          },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "finish_test",
            output: {
              type: "json",
              value: { when: new Date("2024-01-02T03:04:05.000Z"), buf: Buffer.from("hey") },
            },
          },
        ],
      },
    ],
    temperature: 0,
    maxOutputTokens: 100,
    tools: [
      {
        type: "function",
        name: "finish_test",
        description: "d",
        inputSchema: {
          type: "object",
          properties: { b: { type: "string" }, a: { type: "number" } },
          required: ["b"],
          additionalProperties: false,
          $schema: "http://json-schema.org/draft-07/schema#",
        },
      },
    ],
    toolChoice: { type: "tool", toolName: "finish_test" },
    providerOptions: { openai: { store: false } },
    abortSignal: new AbortController().signal,
    headers: { "x-scenario-role": "judge" },
  } as unknown as LanguageModelV3CallOptions;
}

const model = { provider: "openai.chat", modelId: "gpt-4.1-mini" } as LanguageModelV3;

describe("canonicalJson", () => {
  it("writes the text the replacer wrote, for a whole call with bytes, dates, URLs and unsorted keys", () => {
    const call = sampleCall();
    const text = canonicalJson({ settings: call, version: 1 });
    expect(text).toBe(replacerJson({ settings: call, version: 1 }));
    expect(text).toContain('{"__scenarioType":"bytes","base64":"AQID+g=="}');
    expect(text).toContain('{"__scenarioType":"date","iso":"2024-01-02T03:04:05.000Z"}');
    expect(text).not.toContain("abortSignal");
  });

  it("matches the replacer on edge values: holes, functions, non-finite numbers, invalid dates, nesting", () => {
    const values: unknown[] = [
      [undefined, () => 1, Symbol("s"), Number.NaN, Number.POSITIVE_INFINITY, 1e21, -0, 0.1],
      { b: { d: [{ z: 1, y: 2 }], c: undefined }, a: null, f: () => 1, é: "x", A: true },
      {
        date: new Date(Number.NaN),
        bytes: new Uint8Array(new ArrayBuffer(8), 2, 3),
        buffer: new ArrayBuffer(2),
      },
      { nested: { toJSON: (key: string) => ({ key, y: 1, x: 2 }) } },
      "plain",
      42,
      null,
    ];
    for (const value of values) expect(canonicalJson(value)).toBe(replacerJson(value));
  });
});

describe("callKey", () => {
  // Written before the key's JSON was rewritten: recordings made by earlier versions keep replaying.
  it("gives the keys recordings made before were filed under", () => {
    expect(callKey("generate", "my scenario", model, sampleCall())).toBe(
      "07437f1e29e990e06ce1bce3319f51e5e497a490ea604adeeb975d526814fe53",
    );
    const short = { prompt: [{ role: "user", content: [{ type: "text", text: "x" }] }] };
    expect(callKey("stream", "other", model, short as unknown as LanguageModelV3CallOptions)).toBe(
      "23787a04bd4ce616442759232866779fecb80328797a371e8342ec6e2b01599e",
    );
  });

  it("leaves headers and the abort signal out of the key, and tells kinds, scenarios and prompts apart", () => {
    const call = sampleCall();
    const key = callKey("generate", "my scenario", model, call);
    const otherHeaders = { ...call, headers: { "x-scenario-role": "agent" }, abortSignal: undefined };
    expect(callKey("generate", "my scenario", model, otherHeaders)).toBe(key);
    expect(callKey("stream", "my scenario", model, call)).not.toBe(key);
    expect(callKey("generate", "another scenario", model, call)).not.toBe(key);
    expect(callKey("generate", "my scenario", model, { ...call, temperature: 0.5 })).not.toBe(key);
  });
});
