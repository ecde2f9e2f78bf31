import type { ScenarioEvent, ScenarioReporter, SuiteSummary } from "@scenario/spec";
import { Subject } from "rxjs";
import { describe, expect, it } from "vitest";
import { captureStream, fakeRunEvents } from "../test/fixtures";
import { createEventBus } from "./index";

const delay = (milliseconds: number) => new Promise((done) => setTimeout(done, milliseconds));

function recordingReporter(log: string[], hookDelayMs = 0): ScenarioReporter {
  const record = (hook: string) => async (event: ScenarioEvent) => {
    log.push(`${event.scenarioRunId}:${hook}:start`);
    if (hookDelayMs > 0) await delay(hookDelayMs);
    log.push(`${event.scenarioRunId}:${hook}:end`);
  };
  return {
    name: "recorder",
    onEvent: record("event"),
    onRunStart: record("start"),
    onMessage: record("message"),
    onRunEnd: record("end"),
  };
}

describe("createEventBus", () => {
  it("delivers events from a source to every hook in order per run, awaiting async hooks", async () => {
    const source = new Subject<ScenarioEvent>();
    const log: string[] = [];
    const bus = createEventBus({ source, reporters: [recordingReporter(log, 5)], stderr: captureStream() });
    const events = fakeRunEvents({ runId: "a", messages: [{ id: "1", role: "user", content: "hi" }] });
    for (const event of events) source.next(event);
    await bus.drain();
    expect(log).toEqual([
      "a:event:start",
      "a:event:end",
      "a:start:start",
      "a:start:end",
      "a:event:start",
      "a:event:end",
      "a:message:start",
      "a:message:end",
      "a:event:start",
      "a:event:end",
      "a:end:start",
      "a:end:end",
    ]);
  });

  it("lets different runs interleave while each run stays in order", async () => {
    const log: string[] = [];
    const bus = createEventBus({ reporters: [recordingReporter(log, 20)], stderr: captureStream() });
    const first = fakeRunEvents({ runId: "a" });
    const second = fakeRunEvents({ runId: "b" });
    for (let index = 0; index < first.length; index += 1) {
      bus.publish(first[index]!);
      bus.publish(second[index]!);
    }
    await bus.drain();
    // Both runs started before either finished its first hook: they ran side by side.
    expect(log.indexOf("b:event:start")).toBeLessThan(log.indexOf("a:event:end"));
    for (const runId of ["a", "b"]) {
      const own = log.filter((line) => line.startsWith(`${runId}:`));
      const hooks = own.filter((line) => line.endsWith(":start")).map((line) => line.split(":")[1]);
      const snapshotHooks = Array.from({ length: 4 }, () => ["event", "message"]).flat();
      expect(hooks).toEqual(["event", "start", ...snapshotHooks, "event", "end"]);
      // Never two hooks of one run at once.
      let open = 0;
      for (const line of own) {
        open += line.endsWith(":start") ? 1 : -1;
        expect(open).toBeLessThanOrEqual(1);
      }
    }
  });

  it("isolates a reporter that throws or rejects: reported once, other reporters and later events unaffected", async () => {
    const stderr = captureStream();
    const received: string[] = [];
    const throwing: ScenarioReporter = {
      name: "broken",
      onRunStart() {
        throw new Error("sync boom");
      },
      async onRunEnd() {
        throw new Error("async boom");
      },
      async flush() {
        throw new Error("flush boom");
      },
    };
    const healthy: ScenarioReporter = { onEvent: (event) => void received.push(event.type) };
    const bus = createEventBus({ reporters: [throwing, healthy], stderr });
    for (const runId of ["a", "b"]) for (const event of fakeRunEvents({ runId })) bus.publish(event);
    await expect(bus.drain()).resolves.toBeUndefined();
    expect(received).toHaveLength(12);
    const reports = stderr.text().trim().split("\n");
    expect(reports).toHaveLength(1);
    expect(reports[0]).toContain('Reporter "broken" failed in onRunStart(): sync boom');
  });

  it("reports invalid events once and never hands them to reporters", async () => {
    const stderr = captureStream();
    const received: ScenarioEvent[] = [];
    const bus = createEventBus({ reporters: [{ onEvent: (event) => void received.push(event) }], stderr });
    const [started] = fakeRunEvents({ runId: "a" });
    bus.publish({ ...started!, scenarioRunId: "" });
    bus.publish({ type: "SOMETHING_ELSE" } as unknown as ScenarioEvent);
    bus.publish(null as unknown as ScenarioEvent);
    bus.publish(started!);
    await bus.drain();
    expect(received).toEqual([started]);
    const lines = stderr.text().trim().split("\n");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toContain("scenarioRunId");
  });

  it("checks events at the boundary: publish() always, the source only when validateSource is set", async () => {
    // An event core would never build (no scenarioRunId): the source is trusted not to send one,
    // so it passes through as is, while the same event from outside is refused.
    const [started] = fakeRunEvents({ runId: "a" });
    const odd = { ...started!, scenarioRunId: "" };

    const trustedSource = new Subject<ScenarioEvent>();
    const trustedStderr = captureStream();
    const fromSource: ScenarioEvent[] = [];
    const trustingBus = createEventBus({
      source: trustedSource,
      reporters: [{ onEvent: (event) => void fromSource.push(event) }],
      stderr: trustedStderr,
    });
    trustedSource.next(odd);
    trustingBus.publish(odd);
    await trustingBus.close();
    expect(fromSource).toEqual([odd]);
    expect(trustedStderr.text()).toContain("Ignored an invalid event");

    const checkedSource = new Subject<ScenarioEvent>();
    const checkedStderr = captureStream();
    const checked: ScenarioEvent[] = [];
    const checkingBus = createEventBus({
      source: checkedSource,
      validateSource: true,
      reporters: [{ onEvent: (event) => void checked.push(event) }],
      stderr: checkedStderr,
    });
    checkedSource.next(odd);
    checkedSource.next(started!);
    await checkingBus.close();
    expect(checked).toEqual([started]);
    expect(checkedStderr.text()).toContain("scenarioRunId");
  });

  it("drain() waits for slow async hooks and then flushes every reporter", async () => {
    const steps: string[] = [];
    const slow: ScenarioReporter = {
      async onRunEnd() {
        await delay(60);
        steps.push("onRunEnd done");
      },
      async flush() {
        steps.push("flush");
      },
    };
    const bus = createEventBus({ reporters: [slow], stderr: captureStream() });
    for (const event of fakeRunEvents({ runId: "a" })) bus.publish(event);
    await bus.drain();
    expect(steps).toEqual(["onRunEnd done", "flush"]);
  });

  it("gives up on a reporter that never settles after drainTimeoutMs, naming it", async () => {
    const stderr = captureStream();
    const stuck: ScenarioReporter = { name: "stuck", onRunStart: () => new Promise<void>(() => {}) };
    const bus = createEventBus({ reporters: [stuck], stderr, drainTimeoutMs: 100 });
    bus.publish(fakeRunEvents({ runId: "a" })[0]!);
    await bus.drain();
    expect(stderr.text()).toContain('Gave up waiting for reporter "stuck" after 100 ms');
  });

  it("calls onSuiteStart before run hooks and onSuiteEnd with a summary of the finished runs", async () => {
    const calls: string[] = [];
    let summary: SuiteSummary | undefined;
    const reporter: ScenarioReporter = {
      async onSuiteStart(info) {
        await delay(20);
        calls.push(`suite-start:${info.batchRunId}:${info.plannedRuns}`);
      },
      onRunStart: (event) => void calls.push(`run-start:${event.scenarioRunId}`),
      onSuiteEnd(value) {
        calls.push("suite-end");
        summary = value;
      },
    };
    const bus = createEventBus({ reporters: [reporter], stderr: captureStream() });
    void bus.startSuite({ batchRunId: "batch-1", plannedRuns: 3 });
    const runs = [
      fakeRunEvents({
        runId: "a",
        scenarioId: "checkout",
        status: "SUCCESS",
        startedAt: 1000,
        totalTimeMs: 500,
      }),
      fakeRunEvents({
        runId: "b",
        scenarioId: "checkout",
        status: "FAILED",
        startedAt: 1200,
        totalTimeMs: 800,
      }),
      fakeRunEvents({ runId: "c", scenarioId: "refund", status: "ERROR", startedAt: 1100, totalTimeMs: 100 }),
    ];
    for (const events of runs) for (const event of events) bus.publish(event);
    const returned = await bus.endSuite();
    await bus.drain();
    expect(calls[0]).toBe("suite-start:batch-1:3");
    expect(calls.at(-1)).toBe("suite-end");
    expect(returned).toBe(summary);
    expect(summary?.counts).toEqual({ total: 3, passed: 1, failed: 1, errored: 1, cancelled: 0 });
    expect(summary?.flaky).toEqual(["checkout"]);
    expect(summary?.durationMs).toBe(2000 - 1000);
    expect(summary?.usage.totalTokens).toBe(360);
    // The next suite starts from zero.
    expect((await bus.endSuite()).counts.total).toBe(0);
  });

  it("passes a given summary through unchanged", async () => {
    let received: SuiteSummary | undefined;
    const bus = createEventBus({
      reporters: [
        {
          onSuiteEnd(summary) {
            received = summary;
          },
        },
      ],
    });
    const given: SuiteSummary = {
      batchRunId: "merged",
      durationMs: 5,
      runs: [],
      counts: { total: 0, passed: 0, failed: 0, errored: 0, cancelled: 0 },
      flaky: [],
      usage: { inputTokens: 0, outputTokens: 0, totalTokens: 0 },
    };
    await bus.endSuite(given);
    expect(received).toBe(given);
  });

  it("close() drains and unsubscribes from the source", async () => {
    const source = new Subject<ScenarioEvent>();
    const received: string[] = [];
    const bus = createEventBus({
      source,
      reporters: [{ onEvent: (event) => void received.push(event.type) }],
    });
    const [started, ...rest] = fakeRunEvents({ runId: "a" });
    source.next(started!);
    await bus.close();
    expect(source.observed).toBe(false);
    for (const event of rest) source.next(event);
    expect(received).toEqual(["SCENARIO_RUN_STARTED"]);
  });

  it("accepts a hand-made source that calls a plain function observer", async () => {
    const observers: Array<(event: ScenarioEvent) => void> = [];
    let unsubscribed = false;
    const source = {
      subscribe(observer: Partial<{ next(event: ScenarioEvent): void }> | ((event: ScenarioEvent) => void)) {
        observers.push(typeof observer === "function" ? observer : (event) => observer.next?.(event));
        return {
          unsubscribe() {
            unsubscribed = true;
          },
        };
      },
    };
    const received: string[] = [];
    const bus = createEventBus({
      source,
      reporters: [{ onRunEnd: (event) => void received.push(event.status) }],
    });
    for (const event of fakeRunEvents({ runId: "a", status: "CANCELLED" })) observers[0]!(event);
    await bus.close();
    expect(received).toEqual(["CANCELLED"]);
    expect(unsubscribed).toBe(true);
  });

  it("emergencyFlush() calls every reporter's hook synchronously, isolating one that throws", () => {
    const calls: string[] = [];
    const stderr = captureStream();
    const bus = createEventBus({
      stderr,
      reporters: [
        {
          name: "broken",
          emergencyFlush() {
            calls.push("broken");
            throw new Error("disk full");
          },
        },
        { name: "without the hook" },
        { name: "spool", emergencyFlush: () => void calls.push("spool") },
      ],
    });
    bus.emergencyFlush();
    // Synchronous: done before anything could be awaited.
    expect(calls).toEqual(["broken", "spool"]);
    expect(stderr.text()).toContain('Reporter "broken" failed in emergencyFlush(): disk full');
  });
});
