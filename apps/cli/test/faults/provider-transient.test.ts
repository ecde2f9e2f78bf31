import type { FakeFault, FakeModelRequest, FakeOpenAIServer } from "@scenario/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt } from "../cli-harness";
import { isFragile, runFixture, startFaultyModel } from "./provider-fault-harness";

// Each test spawns the CLI: give them room on a loaded machine (no assertion is about time).
vi.setConfig({ testTimeout: 120_000 });

beforeAll(() => {
  assertCliBuilt();
});

let server: FakeOpenAIServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** Plays `fault` on the fragile scenario's first request of `role`, and never again. */
function onceFor(role: string, fault: FakeFault) {
  let played = false;
  return (request: FakeModelRequest) => {
    if (played || request.role !== role || !isFragile(request)) return undefined;
    played = true;
    return fault;
  };
}

describe("provider faults that go away are retried: the suite passes", () => {
  it.each<[string, string, FakeFault]>([
    ["a rate limit (429)", "user-simulator", { type: "rate-limit", retryAfterSeconds: 0 }],
    ["a server error (500)", "judge", { type: "server-error" }],
    ["a malformed JSON response", "judge", { type: "malformed-json" }],
    ["a response cut off mid-way", "user-simulator", { type: "cut-stream" }],
  ])("%s in the %s's call, then a good answer", async (_label, role, fault) => {
    server = await startFaultyModel(onceFor(role, fault));
    const { result, runs } = await runFixture(server);

    expect(result.stderr).not.toContain("sk-fault-suite-key");
    expect(runs).toEqual({
      "steady scenario": { status: "SUCCESS" },
      "fragile scenario": { status: "SUCCESS" },
    });
    expect(result.code).toBe(0);
    // The fault was played once, and the same call was made again right after it.
    const faulted = server.requests.filter((entry) => entry.fault !== undefined);
    expect(faulted.map((entry) => [entry.fault, entry.role])).toEqual([[fault.type, role]]);
    const retry = server.requests.find(
      (entry) =>
        entry.index > (faulted[0]?.index ?? 0) &&
        entry.role === role &&
        entry.request &&
        isFragile(entry.request),
    );
    expect(retry?.body).toEqual(faulted[0]?.body);
  });
});

describe("a provider that keeps failing errors only its scenario", () => {
  it("a response malformed on every attempt: ERROR naming it, the other scenario passes", async () => {
    server = await startFaultyModel((request) =>
      isFragile(request) ? { type: "malformed-json" } : undefined,
    );
    const { result, runs } = await runFixture(server);

    expect(runs["steady scenario"]).toEqual({ status: "SUCCESS" });
    expect(runs["fragile scenario"]?.status).toBe("ERROR");
    expect(runs["fragile scenario"]?.error).toContain("failed (3 attempts");
    expect(runs["fragile scenario"]?.error).toContain("unreadable response (Invalid JSON response");
    expect(result.code).toBe(1);
    expect(server.requests.filter((entry) => entry.fault === "malformed-json")).toHaveLength(3);
  });

  it("a client error (400) is not retried", async () => {
    server = await startFaultyModel((request) =>
      isFragile(request) ? { type: "server-error", status: 400, message: "bad request" } : undefined,
    );
    const { result, runs } = await runFixture(server);

    expect(runs["steady scenario"]).toEqual({ status: "SUCCESS" });
    expect(runs["fragile scenario"]?.error).toContain("not retried");
    expect(result.code).toBe(1);
    expect(server.requests.filter((entry) => entry.fault === "server-error")).toHaveLength(1);
  });
});
