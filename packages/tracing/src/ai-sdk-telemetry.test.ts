import type { Tracer } from "@opentelemetry/api";
import { afterEach, describe, expect, it, vi } from "vitest";
import { createAiSdkTelemetry } from "./ai-sdk-telemetry";

const tracer = { name: "probe" } as unknown as Tracer;

/** A `require` that knows only the given modules; anything else is not installed. */
function requireOf(modules: Record<string, unknown>): NodeJS.Require {
  return ((id: string) => {
    if (id in modules) return modules[id];
    throw Object.assign(new Error(`Cannot find module '${id}'`), { code: "MODULE_NOT_FOUND" });
  }) as NodeJS.Require;
}

class FakeOpenTelemetry {
  constructor(readonly options: unknown) {}
}

afterEach(() => vi.restoreAllMocks());

describe("createAiSdkTelemetry()", () => {
  it("creates @ai-sdk/otel's integration on AI SDK 7, writing to the given tracer", () => {
    const load = requireOf({
      "ai/package.json": { version: "7.0.173" },
      "@ai-sdk/otel": { OpenTelemetry: FakeOpenTelemetry },
    });
    const integrations = createAiSdkTelemetry(tracer, load);
    expect(integrations).toHaveLength(1);
    expect(integrations?.[0]).toBeInstanceOf(FakeOpenTelemetry);
    expect((integrations![0] as FakeOpenTelemetry).options).toEqual({ tracer, agentSpanName: "functionId" });
  });

  it("needs nothing on AI SDK 6, and nothing without the AI SDK", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const otel = { "@ai-sdk/otel": { OpenTelemetry: FakeOpenTelemetry } };
    expect(
      createAiSdkTelemetry(tracer, requireOf({ "ai/package.json": { version: "6.0.326" }, ...otel })),
    ).toBe(undefined);
    expect(createAiSdkTelemetry(tracer, requireOf(otel))).toBe(undefined);
    expect(warn).not.toHaveBeenCalled();
  });

  it("says what to install on AI SDK 7 without @ai-sdk/otel", () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    expect(createAiSdkTelemetry(tracer, requireOf({ "ai/package.json": { version: "7.1.0" } }))).toBe(
      undefined,
    );
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain("npm install -D @ai-sdk/otel");
    expect(String(warn.mock.calls[0]?.[0])).toContain("aiSdkTelemetry: false");
  });

  it("lets a broken @ai-sdk/otel fail loudly rather than be taken for a missing one", () => {
    const load = ((id: string) => {
      if (id === "ai/package.json") return { version: "7.0.0" };
      throw new SyntaxError("Unexpected token in @ai-sdk/otel");
    }) as NodeJS.Require;
    expect(() => createAiSdkTelemetry(tracer, load)).toThrow(SyntaxError);
  });
});
