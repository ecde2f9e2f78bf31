import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioEvent } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureStream, type FakeCollector, fakeRunEvents, startCollector } from "../test/fixtures";
import { createEventBus, httpReporter } from "./index";

const API_KEY = "sk-test-0123456789abcdef";

let directory: string;
const collectors: FakeCollector[] = [];
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-http-"));
});
afterEach(async () => {
  await Promise.all(collectors.splice(0).map((collector) => collector.close()));
  rmSync(directory, { recursive: true, force: true });
});

async function collector(respond?: Parameters<typeof startCollector>[0]) {
  const started = await startCollector(respond);
  collectors.push(started);
  return started;
}

function ofRun(events: readonly ScenarioEvent[], runId: string) {
  return events.filter((event) => event.scenarioRunId === runId);
}

/** Two runs whose events are published interleaved, as parallel runs would. */
function twoRuns(): { a: ScenarioEvent[]; b: ScenarioEvent[]; interleaved: ScenarioEvent[] } {
  const a = fakeRunEvents({ runId: "a" });
  const b = fakeRunEvents({ runId: "b", status: "FAILED" });
  const interleaved = a.flatMap((event, index) => [event, b[index]!]);
  return { a, b, interleaved };
}

function reporterOptions(endpoint: string, stderr: ReturnType<typeof captureStream>) {
  return {
    endpoint,
    apiKey: API_KEY,
    projectId: "project-7",
    env: {},
    cwd: directory,
    stderr,
    initialRetryDelayMs: 20,
    maxRetryDelayMs: 200,
  };
}

async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

describe("httpReporter", () => {
  it("posts every event to {endpoint}/api/scenario-events with the key and project headers, in order per run", async () => {
    const server = await collector();
    const stderr = captureStream();
    const bus = createEventBus({ reporters: [httpReporter(reporterOptions(server.url, stderr))], stderr });
    const { a, b, interleaved } = twoRuns();
    for (const event of interleaved) bus.publish(event);
    await bus.drain();

    expect(server.requests).toHaveLength(interleaved.length);
    for (const request of server.requests) {
      expect(request.method).toBe("POST");
      expect(request.url).toBe("/api/scenario-events");
      expect(request.headers.authorization).toBe(`Bearer ${API_KEY}`);
      expect(request.headers["x-project-id"]).toBe("project-7");
      expect(request.headers["content-type"]).toBe("application/json");
    }
    expect(ofRun(server.accepted, "a")).toEqual(a);
    expect(ofRun(server.accepted, "b")).toEqual(b);
    expect(stderr.text()).toBe("");
  });

  it("reads endpoint, key and project from the environment", async () => {
    const server = await collector();
    const reporter = httpReporter({
      env: {
        LANGWATCH_ENDPOINT: `${server.url}/`,
        LANGWATCH_API_KEY: API_KEY,
        LANGWATCH_PROJECT_ID: "p-env",
      },
      cwd: directory,
    });
    const bus = createEventBus({ reporters: [reporter] });
    bus.publish(fakeRunEvents({ runId: "a" })[0]!);
    await bus.drain();
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]?.url).toBe("/api/scenario-events");
    expect(server.requests[0]?.headers["x-project-id"]).toBe("p-env");
  });

  it("-r http without a key warns once and sends nothing (friction 6)", async () => {
    const calls: unknown[] = [];
    const fakeFetch = (async (...args: unknown[]) => {
      calls.push(args);
      return new Response("{}");
    }) as typeof fetch;
    const stderr = captureStream();
    const bus = createEventBus({ reporters: [httpReporter({ env: {}, fetch: fakeFetch, stderr })] });
    for (const event of fakeRunEvents({ runId: "a" })) bus.publish(event);
    for (const event of fakeRunEvents({ runId: "b" })) bus.publish(event);
    await bus.drain();
    expect(calls).toHaveLength(0);
    expect(stderr.text().trim().split("\n")).toEqual([
      "[scenario] HTTP reporter off: no API key, so no events are sent. Set LANGWATCH_API_KEY (or pass apiKey).",
    ]);
  });

  it("retries 500s with backoff until the collector recovers: nothing lost, order kept per run", async () => {
    let failuresLeft = 6;
    const server = await collector((_request, response) => {
      if (failuresLeft > 0) {
        failuresLeft -= 1;
        response.writeHead(500).end("oops");
        return;
      }
      response.writeHead(200).end("{}");
    });
    const stderr = captureStream();
    const bus = createEventBus({ reporters: [httpReporter(reporterOptions(server.url, stderr))], stderr });
    const { a, b, interleaved } = twoRuns();
    for (const event of interleaved) bus.publish(event);
    await bus.drain();
    expect(server.requests.length).toBe(interleaved.length + 6);
    expect(ofRun(server.accepted, "a")).toEqual(a);
    expect(ofRun(server.accepted, "b")).toEqual(b);
    expect(stderr.text()).toContain("(HTTP 500); retrying with backoff");
    expect(stderr.text().trim().split("\n")).toHaveLength(1);
    expect(stderr.text()).not.toContain(API_KEY);
  });

  it("survives slow answers (timeouts) and recovers without losing or reordering events", async () => {
    let slowLeft = 3;
    const server = await collector(async (_request, response) => {
      if (slowLeft > 0) {
        slowLeft -= 1;
        // Slower than the request timeout: the reporter gives up on these and retries.
        await new Promise((done) => setTimeout(done, 400));
        if (!response.destroyed) response.writeHead(503).end();
        return;
      }
      await new Promise((done) => setTimeout(done, 30));
      response.writeHead(201).end("{}");
    });
    const stderr = captureStream();
    const reporter = httpReporter({ ...reporterOptions(server.url, stderr), requestTimeoutMs: 150 });
    const bus = createEventBus({ reporters: [reporter], stderr });
    const { a, b, interleaved } = twoRuns();
    for (const event of interleaved) bus.publish(event);
    await bus.drain();
    expect(ofRun(server.accepted, "a")).toEqual(a);
    expect(ofRun(server.accepted, "b")).toEqual(b);
    expect(stderr.text()).toContain("request aborted or timed out");
    expect(stderr.text()).not.toContain(API_KEY);
  });

  it("honours Retry-After on 429", async () => {
    const arrivals: number[] = [];
    const server = await collector((_request, response) => {
      arrivals.push(Date.now());
      if (arrivals.length === 1) response.writeHead(429, { "Retry-After": "1" }).end();
      else response.writeHead(200).end();
    });
    const stderr = captureStream();
    const reporter = httpReporter({ ...reporterOptions(server.url, stderr), maxRetryDelayMs: 5000 });
    const bus = createEventBus({ reporters: [reporter], stderr });
    bus.publish(fakeRunEvents({ runId: "a" })[0]!);
    await bus.drain();
    expect(arrivals).toHaveLength(2);
    // Backoff alone would have retried after 10-20 ms.
    expect(arrivals[1]! - arrivals[0]!).toBeGreaterThanOrEqual(900);
  });

  it("drops an event the collector refuses with a 4xx, warns once, and goes on", async () => {
    const server = await collector((request, response) => {
      const event = JSON.parse(request.body) as ScenarioEvent;
      if (event.type === "SCENARIO_MESSAGE_SNAPSHOT") response.writeHead(400).end("bad");
      else response.writeHead(200).end();
    });
    const stderr = captureStream();
    const bus = createEventBus({ reporters: [httpReporter(reporterOptions(server.url, stderr))], stderr });
    const events = fakeRunEvents({ runId: "a" });
    for (const event of events) bus.publish(event);
    await bus.drain();
    expect(server.accepted.map((event) => event.type)).toEqual([
      "SCENARIO_RUN_STARTED",
      "SCENARIO_RUN_FINISHED",
    ]);
    expect(server.requests).toHaveLength(events.length);
    expect(stderr.text().trim().split("\n")).toEqual([
      `[scenario] The collector at ${server.url} refused an event with HTTP 400; it is dropped.`,
    ]);
  });

  it("spools what a refused connection kept from being delivered, and the next reporter sends it first", async () => {
    const port = await unusedPort();
    const endpoint = `http://127.0.0.1:${port}`;
    const stderr = captureStream();
    const first = httpReporter({ ...reporterOptions(endpoint, stderr), drainTimeoutMs: 300 });
    const bus = createEventBus({ reporters: [first], stderr });
    const { a, b, interleaved } = twoRuns();
    for (const event of interleaved) bus.publish(event);
    await bus.drain();

    const spoolDir = join(directory, ".scenario", "spool");
    const files = readdirSync(spoolDir);
    expect(files).toHaveLength(1);
    const spooled = readFileSync(join(spoolDir, files[0]!), "utf8")
      .trim()
      .split("\n")
      .slice(1)
      .map((line) => JSON.parse(line));
    expect(ofRun(spooled, "a")).toEqual(a);
    expect(ofRun(spooled, "b")).toEqual(b);
    const warnings = stderr.text();
    expect(warnings).toContain("ECONNREFUSED");
    expect(warnings).toContain(
      `${interleaved.length} events could not be delivered to ${endpoint} within 300 ms`,
    );
    expect(warnings).not.toContain(API_KEY);
    expect(warnings).not.toContain("vegetarian");

    // The collector comes back on the same address; a new reporter (the next run) sends the spool.
    const server = await startCollectorOn(port);
    const nextStderr = captureStream();
    const next = httpReporter(reporterOptions(endpoint, nextStderr));
    const nextBus = createEventBus({ reporters: [next], stderr: nextStderr });
    const c = fakeRunEvents({ runId: "c" });
    for (const event of c) nextBus.publish(event);
    await nextBus.drain();
    expect(ofRun(server.accepted, "a")).toEqual(a);
    expect(ofRun(server.accepted, "b")).toEqual(b);
    expect(ofRun(server.accepted, "c")).toEqual(c);
    expect(server.accepted.slice(0, 2).map((event) => event.scenarioRunId)).not.toContain("c");
    expect(readdirSync(spoolDir)).toEqual([]);
    expect(nextStderr.text()).toBe("");
  });

  it("leaves a spool of another collector alone", async () => {
    const port = await unusedPort();
    const stderr = captureStream();
    const first = httpReporter({
      ...reporterOptions(`http://127.0.0.1:${port}`, stderr),
      drainTimeoutMs: 200,
    });
    first.onEvent?.(fakeRunEvents({ runId: "a" })[0]!);
    await first.flush?.();
    const server = await collector();
    const other = httpReporter(reporterOptions(server.url, captureStream()));
    await other.flush?.();
    expect(server.requests).toHaveLength(0);
    expect(readdirSync(join(directory, ".scenario", "spool"))).toHaveLength(1);
  });

  it("keeps its queue bounded by dropping old snapshots, never a finished event", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => {
      release = done;
    });
    const server = await collector(async (_request, response) => {
      await gate;
      response.writeHead(200).end();
    });
    const stderr = captureStream();
    const reporter = httpReporter({
      ...reporterOptions(server.url, stderr),
      maxQueueSize: 5,
      maxConcurrentRequests: 1,
    });
    const bus = createEventBus({ reporters: [reporter], stderr });
    const runs = ["a", "b", "c"].map((runId) => fakeRunEvents({ runId }));
    for (const events of runs) for (const event of events) bus.publish(event);
    // Many finished events alone may exceed the bound: they are kept.
    const finishedOnly = Array.from(
      { length: 8 },
      (_, index) => fakeRunEvents({ runId: `f${index}` }).at(-1)!,
    );
    for (const event of finishedOnly) bus.publish(event);
    await new Promise((done) => setTimeout(done, 50));
    release();
    await bus.drain();

    const finishedIds = server.accepted
      .filter((event) => event.type === "SCENARIO_RUN_FINISHED")
      .map((event) => event.scenarioRunId);
    expect(finishedIds.sort()).toEqual(
      ["a", "b", "c", ...finishedOnly.map((event) => event.scenarioRunId)].sort(),
    );
    const snapshots = server.accepted.filter((event) => event.type === "SCENARIO_MESSAGE_SNAPSHOT");
    expect(snapshots.length).toBeLessThan(12);
    for (const runId of ["a", "b", "c"]) {
      const accepted = ofRun(server.accepted, runId);
      const original = ofRun(runs.flat(), runId);
      // What arrived is in the original order.
      const keys = original.map((event) => JSON.stringify(event));
      const positions = accepted.map((event) => keys.indexOf(JSON.stringify(event)));
      expect(positions).not.toContain(-1);
      expect(positions).toEqual([...positions].sort((left, right) => left - right));
    }
    const warnings = stderr.text();
    expect(warnings.match(/over its bound of 5 events/g)).toHaveLength(1);
    expect(warnings).toMatch(/dropped \d+ message snapshots/);
  });

  it("skips an invalid event handed to it directly, warning once", async () => {
    const server = await collector();
    const stderr = captureStream();
    const reporter = httpReporter(reporterOptions(server.url, stderr));
    reporter.onEvent?.({ type: "SCENARIO_RUN_STARTED" } as ScenarioEvent);
    reporter.onEvent?.({ type: "SCENARIO_RUN_FINISHED" } as ScenarioEvent);
    await reporter.flush?.();
    expect(server.requests).toHaveLength(0);
    expect(stderr.text().trim().split("\n")).toHaveLength(1);
    expect(stderr.text()).toContain("skipped an invalid event");
  });

  it("uses an injected fetch", async () => {
    const server = await collector();
    const seen: string[] = [];
    const fetchSpy: typeof fetch = (input, init) => {
      seen.push(String(input));
      return fetch(input, init);
    };
    const reporter = httpReporter({ ...reporterOptions(server.url, captureStream()), fetch: fetchSpy });
    reporter.onEvent?.(fakeRunEvents({ runId: "a" })[0]!);
    await reporter.flush?.();
    expect(seen).toEqual([`${server.url}/api/scenario-events`]);
    expect(existsSync(join(directory, ".scenario"))).toBe(false);
  });

  it("refuses an endpoint that is not a URL with a clear error", () => {
    expect(() => httpReporter({ apiKey: API_KEY, endpoint: "app.langwatch", env: {} })).toThrow(
      /endpoint "app\.langwatch" is not a URL\. Set LANGWATCH_ENDPOINT/,
    );
  });
});

async function startCollectorOn(port: number): Promise<FakeCollector> {
  const accepted: ScenarioEvent[] = [];
  const requests: FakeCollector["requests"] = [];
  const server = createServer((incoming, response) => {
    let body = "";
    incoming.on("data", (chunk) => {
      body += chunk;
    });
    incoming.on("end", () => {
      requests.push({
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body,
      });
      accepted.push(JSON.parse(body));
      response.writeHead(201).end("{}");
    });
  });
  await new Promise<void>((done) => server.listen(port, "127.0.0.1", done));
  const started: FakeCollector = {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
  collectors.push(started);
  return started;
}
