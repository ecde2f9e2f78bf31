import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { captureStream, fakeRunEvents } from "../test/fixtures";
import { collectRuns, createEventBus, junitReporter, renderJunitReport } from "./index";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-junit-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

type XmlNode = Record<string, unknown> & { "#text"?: string };

function parse(xml: string) {
  const validation = XMLValidator.validate(xml);
  expect(validation).toBe(true);
  const parser = new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: "",
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ["testsuite", "testcase"].includes(name),
  });
  return parser.parse(xml) as {
    testsuites: XmlNode & { testsuite: Array<XmlNode & { testcase: XmlNode[] }> };
  };
}

describe("junitReporter", () => {
  it("writes one testsuite per set and one testcase per run, with failure, error and skipped", async () => {
    const bus = createEventBus({ reporters: [junitReporter({ cwd: directory })], stderr: captureStream() });
    const runs = [
      fakeRunEvents({ runId: "1", name: "Passes", setId: "checkout", totalTimeMs: 1500 }),
      fakeRunEvents({
        runId: "2",
        name: "Fails",
        setId: "checkout",
        status: "FAILED",
        reasoning: "No recipe given.",
      }),
      fakeRunEvents({
        runId: "3",
        name: "Errors",
        setId: "refunds",
        status: "ERROR",
        error: "[MyAgent] socket hang up",
      }),
      fakeRunEvents({
        runId: "4",
        name: "Cancelled",
        setId: "refunds",
        status: "CANCELLED",
        reasoning: "Ctrl-C",
      }),
    ];
    for (const events of runs) for (const event of events) bus.publish(event);
    await bus.endSuite();
    await bus.drain();

    const document = parse(readFileSync(join(directory, "scenario-reports", "junit.xml"), "utf8"));
    const root = document.testsuites;
    expect(root).toMatchObject({ name: "scenario", tests: "4", failures: "1", errors: "1", skipped: "1" });
    expect(root.testsuite.map((suite) => suite.name)).toEqual(["checkout", "refunds"]);
    const [checkout, refunds] = root.testsuite;
    expect(checkout).toMatchObject({ tests: "2", failures: "1", errors: "0" });
    expect(refunds).toMatchObject({ tests: "2", failures: "0", errors: "1", skipped: "1" });

    const [passes, fails] = checkout!.testcase;
    expect(passes).toMatchObject({ name: "Passes", classname: "checkout.scenario-1", time: "1.500" });
    expect(passes).not.toHaveProperty("failure");
    const failure = fails!.failure as XmlNode;
    expect(failure.type).toBe("FAILED");
    expect(failure.message).toContain("No recipe given.");
    expect(failure.message).toContain("Agent gives a recipe");
    expect(failure["#text"]).toContain("Unmet criteria:\n- Agent gives a recipe: No recipe in any reply.");
    expect(fails!["system-out"]).toContain('Agent calls search_recipes({"diet":"vegetarian"})');
    expect(fails!["system-out"]).toContain('search_recipes returned: {"results":["shakshuka"]}');
    expect(fails!["system-out"]).toContain("Agent: Try shakshuka");

    const [errors, cancelled] = refunds!.testcase;
    expect(errors!.error).toMatchObject({ type: "ERROR", message: "[MyAgent] socket hang up" });
    expect(cancelled!.skipped).toMatchObject({ message: "Cancelled: Ctrl-C" });
  });

  it("escapes markup, quotes and control characters so the XML stays well-formed", () => {
    const nasty = 'Tom & "Jerry" <script>alert(1)</script> \u0001\u0008\u001b[31m ]]> \ud800 end';
    const runs = collectRuns(
      fakeRunEvents({
        runId: "x",
        name: nasty,
        status: "FAILED",
        reasoning: `${nasty}\nsecond line`,
        messages: [{ id: "1", role: "assistant", content: nasty }],
      }),
    );
    const xml = renderJunitReport(runs);
    expect(xml).not.toContain("\u0001");
    expect(xml).not.toContain("<script>");
    const testcase = parse(xml).testsuites.testsuite[0]!.testcase[0]!;
    expect(testcase.name).toContain(
      'Tom & "Jerry" <script>alert(1)</script> \\u0001\\u0008\\u001b[31m ]]> \\ud800 end',
    );
    expect((testcase.failure as XmlNode).message).toContain("\\u0001");
    expect(testcase["system-out"]).toContain('Agent: Tom & "Jerry" <script>alert(1)</script>');
  });

  it("lists runs that never started as skipped, counted in tests and skipped (issue 14, defect 7)", async () => {
    const bus = createEventBus({ reporters: [junitReporter({ cwd: directory })], stderr: captureStream() });
    for (const event of fakeRunEvents({ runId: "1", name: "Ran", setId: "checkout" })) bus.publish(event);
    await bus.endSuite(undefined, {
      notStarted: [
        { scenarioId: "later", scenarioSetId: "checkout", name: "Later", reason: "Interrupted (SIGINT)." },
        { scenarioId: "other", scenarioSetId: "refunds", name: "Other", reason: "Interrupted (SIGINT)." },
      ],
    });
    await bus.drain();

    const root = parse(readFileSync(join(directory, "scenario-reports", "junit.xml"), "utf8")).testsuites;
    expect(root).toMatchObject({ tests: "3", failures: "0", errors: "0", skipped: "2" });
    const [checkout, refunds] = root.testsuite;
    expect(checkout).toMatchObject({ name: "checkout", tests: "2", skipped: "1" });
    expect(refunds).toMatchObject({ name: "refunds", tests: "1", skipped: "1", time: "0.000" });
    expect(checkout!.testcase.map((testcase) => testcase.name)).toEqual(["Ran", "Later"]);
    expect(checkout!.testcase[1]!.skipped).toMatchObject({ message: "Not started: Interrupted (SIGINT)." });
  });

  it("gives a suite the wall time of its runs, not their sum (issue 14, defect 7)", () => {
    // Two runs that overlap: 1.0 s to 2.5 s and 1.2 s to 3.2 s: 2.2 s of wall time, 3.5 s summed.
    const runs = collectRuns([
      ...fakeRunEvents({ runId: "a", startedAt: 1_000, totalTimeMs: 1_500 }),
      ...fakeRunEvents({ runId: "b", startedAt: 1_200, totalTimeMs: 2_000 }),
    ]);
    const root = parse(renderJunitReport(runs)).testsuites;
    expect(root.time).toBe("2.200");
    expect(root.testsuite[0]!.time).toBe("2.200");
    expect(root.testsuite[0]!.testcase.map((testcase) => testcase.time)).toEqual(["1.500", "2.000"]);
  });

  it("reports a run without a finished event as an error", () => {
    const events = fakeRunEvents({ runId: "x" }).slice(0, -1);
    const document = parse(renderJunitReport(collectRuns(events)));
    expect(document.testsuites.errors).toBe("1");
    expect(document.testsuites.testsuite[0]!.testcase[0]!.error).toMatchObject({ type: "INCOMPLETE" });
  });
});
