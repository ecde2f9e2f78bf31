import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioReporter } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureStream, type FakeCollector, fakeRunEvents, startCollector } from "../test/fixtures";
import {
  consoleReporter,
  createEventBus,
  htmlReporter,
  httpReporter,
  jsonlReporter,
  junitReporter,
} from "./index";

let directory: string;
let collector: FakeCollector | undefined;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-isolation-"));
});
afterEach(async () => {
  await collector?.close();
  collector = undefined;
  rmSync(directory, { recursive: true, force: true });
});

function throwingReporter(): ScenarioReporter {
  return {
    name: "thrower",
    onEvent() {
      throw new Error("always broken");
    },
    async onSuiteEnd() {
      throw new Error("broken at the end too");
    },
  };
}

const events = [...fakeRunEvents({ runId: "a" }), ...fakeRunEvents({ runId: "b", status: "FAILED" })];

describe("each built-in reporter beside a reporter that throws", () => {
  const cases: Array<[string, () => Promise<{ reporter: ScenarioReporter; check: () => void }>]> = [
    [
      "console",
      async () => {
        const stream = captureStream();
        return {
          reporter: consoleReporter({ stream, env: {} }),
          check: () => expect(stream.text()).toContain("Scenarios  1 passed · 1 failed"),
        };
      },
    ],
    [
      "jsonl",
      async () => ({
        reporter: jsonlReporter({ cwd: directory }),
        check: () =>
          expect(
            readFileSync(join(directory, "scenario-reports", "events.jsonl"), "utf8")
              .trim()
              .split("\n"),
          ).toHaveLength(events.length + 1),
      }),
    ],
    [
      "junit",
      async () => ({
        reporter: junitReporter({ cwd: directory }),
        check: () =>
          expect(readFileSync(join(directory, "scenario-reports", "junit.xml"), "utf8")).toContain(
            'tests="2"',
          ),
      }),
    ],
    [
      "html",
      async () => ({
        reporter: htmlReporter({ cwd: directory }),
        check: () =>
          expect(readFileSync(join(directory, "scenario-reports", "index.html"), "utf8")).toContain(
            "Scenario a",
          ),
      }),
    ],
    [
      "http",
      async () => {
        collector = await startCollector();
        const server = collector;
        return {
          reporter: httpReporter({ endpoint: server.url, apiKey: "sk-isolation", env: {}, cwd: directory }),
          check: () => expect(server.accepted).toHaveLength(events.length),
        };
      },
    ],
  ];

  it.each(cases)("%s still gets every event; the thrower is reported once", async (_name, setUp) => {
    const { reporter, check } = await setUp();
    const stderr = captureStream();
    const bus = createEventBus({ reporters: [throwingReporter(), reporter], stderr });
    for (const event of events) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    check();
    const lines = stderr.text().trim().split("\n");
    expect(lines).toEqual([expect.stringContaining('Reporter "thrower" failed in onEvent(): always broken')]);
  });
});

describe("a built-in reporter that fails itself", () => {
  it("is reported once and never breaks the others (junit and html on an unwritable path, console on a broken stream)", async () => {
    mkdirSync(join(directory, "junit.xml.dir"));
    const stderr = captureStream();
    const received: string[] = [];
    const brokenStream = {
      write(): boolean {
        throw new Error("EPIPE");
      },
    };
    const bus = createEventBus({
      reporters: [
        junitReporter({ cwd: directory, path: "junit.xml.dir" }),
        htmlReporter({ cwd: directory, path: "junit.xml.dir" }),
        consoleReporter({ stream: brokenStream, env: {} }),
        { onEvent: (event) => void received.push(event.type) },
      ],
      stderr,
    });
    for (const event of events) bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    expect(received).toHaveLength(events.length);
    const lines = stderr.text().trim().split("\n").sort();
    expect(lines).toEqual([
      expect.stringContaining('Reporter "console" failed in onRunStart(): EPIPE'),
      expect.stringContaining('Reporter "html" failed in onSuiteEnd()'),
      expect.stringContaining('Reporter "junit" failed in onSuiteEnd()'),
    ]);
  });
});
