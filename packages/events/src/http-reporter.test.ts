import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioEvent } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureStream, type FakeCollector, fakeRunEvents, startCollector, waitFor } from "../test/fixtures";
import { createEventBus, httpReporter, scenarioEventId } from "./index";

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

async function collector(respond?: Parameters<typeof startCollector>[0], port?: number) {
  const started = await startCollector(respond, { port });
  collectors.push(started);
  return started;
}

function ofRun(events: readonly ScenarioEvent[], runId: string) {
  return events.filter((event) => event.scenarioRunId === runId);
}

/** The events as the collector receives them: each with its stable id. */
function withIds(events: readonly ScenarioEvent[]): ScenarioEvent[] {
  return events.map((event) => ({ ...event, eventId: scenarioEventId(event) }));
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
    expect(ofRun(server.accepted, "a")).toEqual(withIds(a));
    expect(ofRun(server.accepted, "b")).toEqual(withIds(b));
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
    expect(ofRun(server.accepted, "a")).toEqual(withIds(a));
    expect(ofRun(server.accepted, "b")).toEqual(withIds(b));
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
    expect(ofRun(server.accepted, "a")).toEqual(withIds(a));
    expect(ofRun(server.accepted, "b")).toEqual(withIds(b));
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
    expect(ofRun(spooled, "a")).toEqual(withIds(a));
    expect(ofRun(spooled, "b")).toEqual(withIds(b));
    const warnings = stderr.text();
    expect(warnings).toContain("ECONNREFUSED");
    expect(warnings).toContain(
      `${interleaved.length} events could not be delivered to ${endpoint} (unreachable: ECONNREFUSED)`,
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
    expect(ofRun(server.accepted, "a")).toEqual(withIds(a));
    expect(ofRun(server.accepted, "b")).toEqual(withIds(b));
    expect(ofRun(server.accepted, "c")).toEqual(withIds(c));
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

  it("writes every event to the spool before sending it, and removes it once acknowledged", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((done) => {
      release = done;
    });
    const server = await collector(async (_request, response) => {
      await gate;
      response.writeHead(200).end();
    });
    const reporter = httpReporter(reporterOptions(server.url, captureStream()));
    const { interleaved } = twoRuns();
    for (const event of interleaved) reporter.onEvent?.(event);
    // Nothing is acknowledged yet: every event is already on disk, with its id.
    expect(readSpool().map((event) => event.eventId)).toEqual(withIds(interleaved).map((e) => e.eventId));
    release();
    await reporter.flush?.();
    expect(idsOf(server.accepted).sort()).toEqual(idsOf(withIds(interleaved)).sort());
    expect(readdirSync(spoolDir())).toEqual([]);
  });

  it("drops nothing at any backlog size: the in-memory bound only limits what is read back at once", async () => {
    const port = await unusedPort();
    const stderr = captureStream();
    // A drain timeout the test would never outlive: a refused connection must not be waited for.
    const reporter = httpReporter({
      ...reporterOptions(`http://127.0.0.1:${port}`, stderr),
      maxQueueSize: 16,
      drainTimeoutMs: 600_000,
    });
    const emitted = Array.from({ length: 400 }, (_, index) => fakeRunEvents({ runId: `r${index}` })).flat();
    for (const event of emitted) reporter.onEvent?.(event);
    await reporter.flush?.();
    expect(readSpool()).toEqual(withIds(emitted));
    expect(stderr.text()).toContain(`${emitted.length} events could not be delivered`);
    expect(stderr.text()).not.toMatch(/drop/i);
  });

  it("resends a backlog oldest first and in order, without starving the current run's events", async () => {
    const port = await unusedPort();
    const first = httpReporter({ ...reporterOptions(`http://127.0.0.1:${port}`, captureStream()) });
    const backlog = Array.from({ length: 30 }, (_, index) => fakeRunEvents({ runId: `old${index}` })).flat();
    for (const event of backlog) first.onEvent?.(event);
    await first.flush?.();
    expect(readSpool()).toHaveLength(backlog.length);

    const server = await startCollectorOn(port);
    const next = httpReporter({
      ...reporterOptions(`http://127.0.0.1:${port}`, captureStream()),
      maxQueueSize: 4,
      maxConcurrentRequests: 1,
      drainTimeoutMs: 60_000,
    });
    const current = fakeRunEvents({ runId: "now" });
    for (const event of current) next.onEvent?.(event);
    await next.flush?.();

    const arrived = server.accepted.map((event) => event.scenarioRunId);
    expect(ofRun(server.accepted, "now")).toEqual(withIds(current));
    // The current run's events went out long before the backlog was through.
    expect(arrived.lastIndexOf("now")).toBeLessThan(backlog.length / 2);
    const oldRuns = Array.from({ length: 30 }, (_, index) => `old${index}`);
    for (const runId of oldRuns)
      expect(ofRun(server.accepted, runId)).toEqual(withIds(ofRun(backlog, runId)));
    // Oldest first: the earlier runs' events start arriving before the later runs'.
    const firstArrivals = oldRuns.map((runId) => arrived.indexOf(runId));
    expect(firstArrivals).toEqual([...firstArrivals].sort((left, right) => left - right));
    expect(new Set(idsOf(server.accepted)).size).toBe(server.accepted.length);
    expect(readdirSync(spoolDir())).toEqual([]);
  });

  it("keeps exactly the unacknowledged events: emitted = acknowledged + spooled, none in both", async () => {
    let answered = 0;
    const server = await collector((_request, response) => {
      answered += 1;
      response.writeHead(answered <= 7 ? 200 : 503).end();
    });
    const reporter = httpReporter({ ...reporterOptions(server.url, captureStream()), drainTimeoutMs: 100 });
    const emitted = withIds(
      Array.from({ length: 5 }, (_, index) => fakeRunEvents({ runId: `r${index}` })).flat(),
    );
    for (const event of emitted) reporter.onEvent?.(event);
    // Some events acknowledged out of order (the runs go in parallel), the rest being retried.
    await waitFor(() => answered >= 12);
    await reporter.flush?.();
    const acknowledged = idsOf(server.accepted);
    const spooled = idsOf(readSpool());
    expect(acknowledged).toHaveLength(7);
    expect(acknowledged.filter((id) => spooled.includes(id))).toEqual([]);
    expect([...acknowledged, ...spooled].sort()).toEqual(idsOf(emitted).sort());
    // The rewrite went through a temporary file that is gone.
    expect(readdirSync(spoolDir()).filter((name) => name.includes(".tmp"))).toEqual([]);
  });

  it("gives a slow collector a bounded drain; an abandoned request's event is resent once with the same id", async () => {
    const held: Array<() => void> = [];
    const slow = await collector(
      (_request, response) =>
        new Promise<void>((done) => {
          held.push(() => {
            if (!response.destroyed) response.writeHead(200).end();
            done();
          });
        }),
    );
    const reporter = httpReporter({
      ...reporterOptions(slow.url, captureStream()),
      drainTimeoutMs: 200,
      maxConcurrentRequests: 1,
    });
    const emitted = withIds(fakeRunEvents({ runId: "a" }));
    for (const event of emitted) reporter.onEvent?.(event);
    await reporter.flush?.();
    // One request reached the collector and was abandoned unanswered; every event is still spooled.
    expect(slow.requests).toHaveLength(1);
    const abandonedId = (JSON.parse(slow.requests[0]!.body) as ScenarioEvent).eventId;
    expect(idsOf(readSpool())).toEqual(idsOf(emitted));
    for (const answer of held) answer();

    const healthy = await collector();
    const next = httpReporter(reporterOptions(healthy.url, captureStream()));
    await next.flush?.();
    expect(healthy.accepted).toEqual([]);
    // Same endpoint again: the spool is for the slow collector's address.
    const again = httpReporter(reporterOptions(slow.url, captureStream()));
    const before = slow.requests.length;
    held.length = 0;
    await waitForAnswering(again, held);
    const resent = slow.requests
      .slice(before)
      .map((request) => (JSON.parse(request.body) as ScenarioEvent).eventId);
    expect(resent).toEqual(idsOf(emitted));
    expect(resent.filter((id) => id === abandonedId)).toHaveLength(1);
    expect(readdirSync(spoolDir())).toEqual([]);
  });

  it("emergencyFlush() keeps every unacknowledged event on disk, synchronously", async () => {
    let answered = 0;
    const server = await collector((_request, response) => {
      answered += 1;
      if (answered <= 3) response.writeHead(200).end();
      // The rest hang: the process is leaving before they could be answered.
    });
    const stderr = captureStream();
    const reporter = httpReporter({ ...reporterOptions(server.url, stderr), maxConcurrentRequests: 1 });
    const emitted = withIds(fakeRunEvents({ runId: "a" }).concat(fakeRunEvents({ runId: "b" })));
    for (const event of emitted) reporter.onEvent?.(event);
    await waitFor(() => server.requests.length >= 4);
    reporter.emergencyFlush?.();
    const acknowledged = idsOf(server.accepted);
    const spooled = idsOf(readSpool());
    expect(acknowledged).toHaveLength(3);
    expect(acknowledged.filter((id) => spooled.includes(id))).toEqual([]);
    expect([...acknowledged, ...spooled].sort()).toEqual(idsOf(emitted).sort());
    // Released under its plain name, so the next run may claim it.
    expect(readdirSync(spoolDir()).every((name) => name.endsWith(".jsonl"))).toBe(true);
    expect(stderr.text()).toContain(`${spooled.length} events could not be delivered`);
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
    // Acknowledged, so nothing is left in the spool.
    expect(readdirSync(join(directory, ".scenario", "spool"))).toEqual([]);
  });

  it("refuses an endpoint that is not a URL with a clear error", () => {
    expect(() => httpReporter({ apiKey: API_KEY, endpoint: "app.langwatch", env: {} })).toThrow(
      /endpoint "app\.langwatch" is not a URL\. Set LANGWATCH_ENDPOINT/,
    );
  });
});

function spoolDir(): string {
  return join(directory, ".scenario", "spool");
}

/** Every event in the spool folder, file by file (oldest first). */
function readSpool(): ScenarioEvent[] {
  if (!existsSync(spoolDir())) return [];
  return readdirSync(spoolDir())
    .sort()
    .flatMap((name) =>
      readFileSync(join(spoolDir(), name), "utf8")
        .split("\n")
        .slice(1)
        .filter((line) => line !== "")
        .map((line) => JSON.parse(line) as ScenarioEvent),
    );
}

function idsOf(events: readonly ScenarioEvent[]): string[] {
  return events.map((event) => event.eventId ?? "(none)");
}

// Flushes while answering every request the collector holds, until the reporter is done.
async function waitForAnswering(
  reporter: ReturnType<typeof httpReporter>,
  held: Array<() => void>,
): Promise<void> {
  let done = false;
  const flushed = reporter.flush?.().then(() => {
    done = true;
  });
  for (let round = 0; round < 500 && !done; round += 1) {
    for (const answer of held.splice(0)) answer();
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  await flushed;
}

async function startCollectorOn(port: number): Promise<FakeCollector> {
  return collector(undefined, port);
}
