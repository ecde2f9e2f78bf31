import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run, scenarioEvents$ } from "@scenario/core";
import { agent, judge, succeed, user } from "@scenario/script";
import { type AgentAdapter, AgentRole, type ScenarioEvent, type SuiteSummary } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  collectRuns,
  createEventBus,
  jsonlReporter,
  junitReporter,
  readEventsJsonl,
  renderHtmlReport,
} from "../src/index";
import { captureStream } from "./fixtures";

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), "scenario-core-events-"));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

const toolUsingAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  name: "RecipeAgent",
  call: () => [
    {
      role: "assistant",
      content: [
        {
          type: "tool-call",
          toolCallId: "call-1",
          toolName: "search_recipes",
          input: { diet: "vegetarian" },
        },
      ],
    },
    {
      role: "tool",
      content: [
        {
          type: "tool-result",
          toolCallId: "call-1",
          toolName: "search_recipes",
          output: { type: "json", value: { results: ["shakshuka"] } },
        },
      ],
    },
    { role: "assistant", content: "Try <b>shakshuka</b>." },
  ],
};

const strictJudge: AgentAdapter = {
  role: AgentRole.JUDGE,
  name: "StrictJudge",
  call: (input) =>
    input.judgmentRequest === undefined
      ? null
      : {
          success: false,
          reasoning: "No quantities were given.",
          metCriteria: ["Suggests a dish"],
          unmetCriteria: ["Gives quantities"],
          criteria: [
            { criterion: "Suggests a dish", verdict: "met", reasoning: "Shakshuka." },
            { criterion: "Gives quantities", verdict: "unmet", reasoning: "None at all." },
          ],
        },
};

describe("the bus on @scenario/core's real event stream", () => {
  it("hands every event of real runs to the reporters, valid and in order", async () => {
    const stderr = captureStream();
    const received: ScenarioEvent[] = [];
    let summary: SuiteSummary | undefined;
    const bus = createEventBus({
      source: scenarioEvents$,
      reporters: [
        jsonlReporter({ cwd: directory }),
        junitReporter({ cwd: directory }),
        {
          onEvent: (event) => void received.push(event),
          onSuiteEnd(value) {
            summary = value;
          },
        },
      ],
      stderr,
    });

    const [passed, failed] = await Promise.all([
      run({
        name: "Recipe passes",
        description: "The user asks for a recipe.",
        setId: "integration",
        agents: [toolUsingAgent, strictJudge],
        script: [user("A vegetarian dinner idea?"), agent(), succeed("Good enough.")],
      }),
      run({
        name: "Recipe needs quantities",
        description: "The user wants exact quantities.",
        setId: "integration",
        agents: [toolUsingAgent, strictJudge],
        script: [user("How much of everything?"), agent(), judge()],
      }),
    ]);
    expect(passed.status).toBe("SUCCESS");
    expect(failed.status).toBe("FAILED");
    await bus.endSuite();
    await bus.close();

    // Nothing core emitted was refused by the schemas.
    expect(stderr.text()).toBe("");
    const ofRun = (runId: string) => received.filter((event) => event.scenarioRunId === runId);
    for (const result of [passed, failed]) {
      const types = ofRun(result.runId).map((event) => event.type);
      expect(types[0]).toBe("SCENARIO_RUN_STARTED");
      expect(types.at(-1)).toBe("SCENARIO_RUN_FINISHED");
      expect(types.slice(1, -1).every((type) => type === "SCENARIO_MESSAGE_SNAPSHOT")).toBe(true);
      expect(types.length).toBeGreaterThan(2);
    }
    const lastSnapshot = ofRun(failed.runId)
      .filter((event) => event.type === "SCENARIO_MESSAGE_SNAPSHOT")
      .at(-1);
    expect(
      lastSnapshot?.type === "SCENARIO_MESSAGE_SNAPSHOT" &&
        lastSnapshot.messages.map((message) => message.role),
    ).toEqual(["user", "assistant", "tool", "assistant"]);
    expect(summary?.counts).toMatchObject({ total: 2, passed: 1, failed: 1 });

    const fromFile = await readEventsJsonl(join(directory, "scenario-reports", "events.jsonl"));
    expect(fromFile.problems).toEqual([]);
    expect(fromFile.events).toHaveLength(received.length);
    expect(fromFile.summaries[0]?.counts).toMatchObject({ total: 2, passed: 1, failed: 1 });

    const junit = readFileSync(join(directory, "scenario-reports", "junit.xml"), "utf8");
    expect(junit).toContain('<testsuite name="integration" tests="2" failures="1"');
    expect(junit).toContain("Gives quantities: None at all.");
    expect(junit).toContain("Agent calls search_recipes(");

    const html = renderHtmlReport(collectRuns(fromFile.events));
    expect(html).toContain("Recipe needs quantities");
    expect(html).not.toContain("<b>shakshuka</b>");
  });
});
