import { appendFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureStream, fakeRunEvents } from "../test/fixtures";
import { createEventBus, jsonlReporter, readEventsJsonl } from "./index";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-jsonl-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

describe("jsonlReporter", () => {
  it("writes each event as one line as it happens, then a summary line", async () => {
    const bus = createEventBus({ reporters: [jsonlReporter({ cwd: directory })], stderr: captureStream() });
    const path = join(directory, "scenario-reports", "events.jsonl");
    const events = fakeRunEvents({ runId: "a", status: "FAILED" });
    bus.publish(events[0]!);
    bus.publish(events[1]!);
    // Not flushed yet: the lines must already be on disk, so a crash now loses nothing.
    await new Promise((done) => setTimeout(done, 20));
    expect(
      readFileSync(path, "utf8")
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line)),
    ).toEqual(events.slice(0, 2));
    for (const event of events.slice(2)) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    const lines = readFileSync(path, "utf8")
      .trim()
      .split("\n")
      .map((line) => JSON.parse(line));
    expect(lines.slice(0, -1)).toEqual(events);
    expect(lines.at(-1)).toMatchObject({
      type: "SUITE_SUMMARY",
      batchRunId: "batch-run-test",
      counts: { total: 1, failed: 1 },
    });
    expect(lines.at(-1)).not.toHaveProperty("runs");
  });

  it("starts the file anew per reporter unless append is set", async () => {
    const path = join(directory, "out.jsonl");
    writeFileSync(path, '{"old":true}\n');
    for (const append of [false, true]) {
      const reporter = jsonlReporter({ cwd: directory, path: "out.jsonl", append });
      const bus = createEventBus({ reporters: [reporter] });
      bus.publish(fakeRunEvents({ runId: String(append) })[0]!);
      await bus.drain();
      // After a flush, more events still go to the same file.
      bus.publish(fakeRunEvents({ runId: String(append) }).at(-1)!);
      await bus.drain();
    }
    const lines = readFileSync(path, "utf8").trim().split("\n");
    expect(lines).toHaveLength(4);
    expect(lines[0]).toContain('"scenarioRunId":"false"');
  });

  it("is isolated when it cannot write: reported once, the other reporters go on", async () => {
    mkdirSync(join(directory, "taken.jsonl"));
    const stderr = captureStream();
    const received: string[] = [];
    const bus = createEventBus({
      reporters: [
        jsonlReporter({ cwd: directory, path: "taken.jsonl" }),
        { onEvent: (event) => void received.push(event.type) },
      ],
      stderr,
    });
    for (const event of fakeRunEvents({ runId: "a" })) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    expect(received).toHaveLength(6);
    expect(stderr.text().trim().split("\n")).toHaveLength(1);
    expect(stderr.text()).toContain('Reporter "jsonl" failed in onEvent()');
  });
});

describe("readEventsJsonl", () => {
  it("reads back events and summaries, tolerating a torn last line", async () => {
    const bus = createEventBus({ reporters: [jsonlReporter({ cwd: directory })] });
    const events = [
      ...fakeRunEvents({ runId: "a" }),
      ...fakeRunEvents({ runId: "b", status: "ERROR", error: "boom" }),
    ];
    for (const event of events) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    const path = join(directory, "scenario-reports", "events.jsonl");
    // A process killed mid-write leaves half a line and no newline.
    appendFileSync(path, '{"type":"SCENARIO_RUN_STARTED","timestamp":17000000');
    const content = await readEventsJsonl(path);
    // Runs interleave in the file; each run's events keep their order.
    for (const runId of ["a", "b"]) {
      const ofRun = (list: typeof events) => list.filter((event) => event.scenarioRunId === runId);
      expect(ofRun(content.events)).toEqual(ofRun(events));
    }
    expect(content.events).toHaveLength(events.length);
    expect(content.summaries).toHaveLength(1);
    expect(content.summaries[0]?.counts.errored).toBe(1);
    expect(content.problems).toEqual([
      { line: events.length + 2, reason: "incomplete last line (the writer stopped mid-line); ignored" },
    ]);
  });

  it("skips invalid lines in the middle and says which", async () => {
    const path = join(directory, "mixed.jsonl");
    const [started, ...rest] = fakeRunEvents({ runId: "a" });
    writeFileSync(
      path,
      [
        JSON.stringify(started),
        "not json",
        JSON.stringify({ type: "SCENARIO_RUN_STARTED" }),
        "",
        ...rest.map((event) => JSON.stringify(event)),
      ].join("\n") + "\n",
    );
    const content = await readEventsJsonl(path);
    expect(content.events).toEqual([started, ...rest]);
    expect(content.problems.map((problem) => problem.line)).toEqual([2, 3]);
    expect(content.problems[0]?.reason).toBe("not valid JSON; ignored");
  });

  it("fails clearly for a missing file", async () => {
    await expect(readEventsJsonl(join(directory, "nope.jsonl"))).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("Cannot read the events file"),
    });
  });
});
