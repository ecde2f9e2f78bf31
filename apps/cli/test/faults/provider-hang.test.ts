import type { FakeOpenAIServer } from "@scenario/testing";
import { afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { assertCliBuilt, runCli } from "../cli-harness";
import { isFragile, PROVIDER_FAULTS, runFixture, startFaultyModel } from "./provider-fault-harness";

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

const hangFragile = () => startFaultyModel((request) => (isFragile(request) ? { type: "hang" } : undefined));

/** The step a stuck fragile run names: its first model call, the user simulator's, inside proceed(). */
const STUCK_IN_FIRST_CALL = /in the user simulator's turn 1 \(.+\), in script step 1: proceed\(\)/;

// A deadline short enough for a test would also cut a healthy run short on a loaded machine, so
// the healthy scenario keeps the default deadline wherever both run together.
describe("a provider that never answers", () => {
  it("--timeout ends the stuck run as ERROR naming its step, aborts the call, and the process exits", async () => {
    server = await hangFragile();
    const { result, runs } = await runFixture(server, { args: ["--timeout", "5s", "--grep", "fragile"] });

    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(runs["fragile scenario"]?.status).toBe("ERROR");
    expect(runs["fragile scenario"]?.error).toMatch(/^Scenario "fragile scenario" timed out after 5 s /);
    expect(runs["fragile scenario"]?.error).toMatch(STUCK_IN_FIRST_CALL);
    // The stuck call was aborted, not retried behind the deadline's back. (On a loaded machine the
    // deadline can pass before the request even reached the server: then none arrived.)
    expect(server.requests.filter((entry) => entry.fault === "hang").length).toBeLessThanOrEqual(1);
  });

  it("a scenario's own timeout ends it alone: the other scenario in the run passes", async () => {
    server = await hangFragile();
    const { result, runs } = await runFixture(server, { env: { TEST_FRAGILE_TIMEOUT_MS: "1500" } });

    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(runs["steady scenario"]).toEqual({ status: "SUCCESS" });
    expect(runs["fragile scenario"]?.status).toBe("ERROR");
    expect(runs["fragile scenario"]?.error).toMatch(/^Scenario "fragile scenario" timed out after 1.5 s /);
    expect(runs["fragile scenario"]?.error).toMatch(STUCK_IN_FIRST_CALL);
  });

  it("the project's timeout in scenario.config.ts applies to scenarios that set none", async () => {
    server = await hangFragile();
    const { result, runs } = await runFixture(server, {
      args: ["--grep", "fragile"],
      env: { TEST_CONFIG_TIMEOUT_MS: "1000" },
    });

    expect(result.code).toBe(1);
    expect(runs["fragile scenario"]?.error).toMatch(/^Scenario "fragile scenario" timed out after 1 s /);
  });

  it("a per-call timeout in scenario.config.ts retries the call, then errors only that scenario", async () => {
    server = await hangFragile();
    const { result, runs } = await runFixture(server, { env: { TEST_CALL_TIMEOUT_MS: "2000" } });

    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(runs["steady scenario"]).toEqual({ status: "SUCCESS" });
    expect(runs["fragile scenario"]?.status).toBe("ERROR");
    expect(runs["fragile scenario"]?.error).toContain("failed (3 attempts");
    expect(runs["fragile scenario"]?.error).toContain("last: timed out after 2000 ms");
    // Each attempt is one request at most; on a loaded machine an attempt can time out before its
    // request reaches the server, so fewer may arrive, never more.
    const hung = server.requests.filter((entry) => entry.fault === "hang").length;
    expect(hung).toBeGreaterThanOrEqual(1);
    expect(hung).toBeLessThanOrEqual(3);
  });

  it("rejects a --timeout it cannot read, naming the forms it takes", async () => {
    const result = await runCli(["run", "--timeout", "soon"], { cwd: PROVIDER_FAULTS });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("--timeout takes milliseconds or a duration such as 90s, 5m or 1h");
  });
});
