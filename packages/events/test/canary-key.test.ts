import { randomBytes } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type FakeCollector, startCollector } from "./fixtures";
import { runChild } from "./run-child";

const CANARY = `sk-canary-${randomBytes(12).toString("hex")}`;

let directory: string;
let collector: FakeCollector | undefined;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-canary-"));
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  rmSync(directory, { recursive: true, force: true });
});

function filesUnder(root: string): string[] {
  return readdirSync(root).flatMap((name) => {
    const path = join(root, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

function expectNoCanary(where: string, text: string) {
  expect(text.includes(CANARY), `the API key leaked into ${where}`).toBe(false);
}

describe("the API key never leaks", () => {
  it("into any reporter's files, output, logs or request bodies, while the collector fails and recovers", {
    timeout: 60_000,
  }, async () => {
    let failuresLeft = 5;
    collector = await startCollector((_request, response) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(500).end("try later");
        return;
      }
      response.writeHead(200).end("{}");
    });
    const outcome = await runChild("drain-and-exit", {
      CHILD_OUTPUT_DIR: directory,
      LANGWATCH_ENDPOINT: collector.url,
      LANGWATCH_API_KEY: CANARY,
      LANGWATCH_PROJECT_ID: "project-canary",
      SCENARIO_DEBUG: "1",
    });
    expect(outcome.code).toBe(0);
    // The run did produce everything that is scanned below.
    expect(outcome.stderr).toContain("retrying with backoff");
    expect(collector.accepted).toHaveLength(18);
    const files = filesUnder(directory);
    expect(files.map((path) => path.slice(directory.length))).toEqual(
      expect.arrayContaining([
        "/scenario-reports/events.jsonl",
        "/scenario-reports/junit.xml",
        "/scenario-reports/index.html",
      ]),
    );

    expectNoCanary("stdout", outcome.stdout);
    expectNoCanary("stderr", outcome.stderr);
    for (const path of files) expectNoCanary(path, readFileSync(path, "utf8"));
    for (const request of collector.requests) {
      expectNoCanary("a request body", request.body);
      const { authorization, ...otherHeaders } = request.headers;
      expect(authorization).toBe(`Bearer ${CANARY}`);
      expectNoCanary("a request header other than Authorization", JSON.stringify(otherHeaders));
      expectNoCanary("a request URL", request.url);
    }
  });

  it("into the spool or warnings when the collector is unreachable", { timeout: 60_000 }, async () => {
    const server = createServer();
    await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
    const { port } = server.address() as AddressInfo;
    await new Promise<void>((done) => server.close(() => done()));
    const outcome = await runChild("drain-and-exit", {
      CHILD_OUTPUT_DIR: directory,
      CHILD_HTTP_DRAIN_TIMEOUT_MS: "300",
      LANGWATCH_ENDPOINT: `http://127.0.0.1:${port}`,
      LANGWATCH_API_KEY: CANARY,
      SCENARIO_DEBUG: "1",
    });
    expect(outcome.code).toBe(0);
    const spool = filesUnder(join(directory, ".scenario", "spool"));
    expect(spool).toHaveLength(1);
    expectNoCanary("stdout", outcome.stdout);
    expectNoCanary("stderr", outcome.stderr);
    for (const path of filesUnder(directory)) expectNoCanary(path, readFileSync(path, "utf8"));
  });
});
