import {
  type AgentInput,
  AgentRole,
  SCENARIO_SPAN_ATTRIBUTES as ATTR,
  INSTRUMENTATION_SPECIFICATION_VERSION,
  registerScenarioInstrumentation,
  type ScenarioInstrumentation,
  type ScenarioSpan,
  type ScenarioSpanAttributes,
  type ScenarioSpanKind,
} from "@scenario/spec";
import { afterEach, describe, expect, it } from "vitest";
import { ScenarioExecution } from "./index";

interface RecordedSpan {
  kind: ScenarioSpanKind;
  name: string;
  attributes: ScenarioSpanAttributes;
  parent: RecordedSpan | undefined;
  errors: unknown[];
  ended: boolean;
}

/** An instrumentation without OpenTelemetry: it records the spans and which one is active. */
function recordingInstrumentation() {
  const spans: RecordedSpan[] = [];
  let active: RecordedSpan | undefined;
  const instrumentation: ScenarioInstrumentation & {
    spans: RecordedSpan[];
    active: () => RecordedSpan | undefined;
  } = {
    specificationVersion: INSTRUMENTATION_SPECIFICATION_VERSION,
    spans,
    active: () => active,
    startSpan(kind, name, attributes, parent) {
      const record: RecordedSpan = {
        kind,
        name,
        attributes: { ...attributes },
        parent: (parent as (ScenarioSpan & { record?: RecordedSpan }) | undefined)?.record ?? active,
        errors: [],
        ended: false,
      };
      spans.push(record);
      return {
        record,
        setAttributes: (more) => Object.assign(record.attributes, more),
        recordError: (error) => void record.errors.push(error),
        run<T>(fn: () => T): T {
          const previous = active;
          active = record;
          try {
            return fn();
          } finally {
            active = previous;
          }
        },
        end: () => {
          record.ended = true;
        },
      } as ScenarioSpan & { record: RecordedSpan };
    },
  };
  return instrumentation;
}

afterEach(() => registerScenarioInstrumentation(undefined));

describe("run tracing through the instrumentation contract", () => {
  it("opens run → turn → agent-call spans, calls the agent inside its span, and ends them with the result", async () => {
    const instrumentation = recordingInstrumentation();
    registerScenarioInstrumentation(instrumentation);
    const activeDuringCall: Array<RecordedSpan | undefined> = [];
    const agent = {
      role: AgentRole.AGENT,
      name: "Echo",
      call(input: AgentInput) {
        activeDuringCall.push(instrumentation.active());
        input.recordUsage({ inputTokens: 7, outputTokens: 3 });
        return "echo";
      },
    };
    const execution = new ScenarioExecution({
      name: "traced",
      description: "d",
      agents: [agent],
      script: [
        (_state, run) => run.user("hi"),
        (_state, run) => run.agent(),
        (_state, run) => run.user("again"),
        (_state, run) => run.agent(),
        (_state, run) => run.succeed(),
      ],
    });
    const result = await execution.execute();

    const [runSpan, ...rest] = instrumentation.spans;
    expect(runSpan).toMatchObject({ kind: "run", parent: undefined, ended: true });
    expect(runSpan!.attributes).toMatchObject({
      [ATTR.runId]: result.runId,
      [ATTR.threadId]: execution.threadId,
      [ATTR.status]: "SUCCESS",
      [ATTR.verdict]: "success",
      [ATTR.inputTokens]: 14,
      [ATTR.outputTokens]: 6,
    });
    expect(rest.map((span) => [span.kind, span.attributes[ATTR.turn]])).toEqual([
      ["turn", 0],
      ["agent-call", 0],
      ["turn", 1],
      ["agent-call", 1],
    ]);
    const calls = rest.filter((span) => span.kind === "agent-call");
    expect(calls.map((call) => call.parent?.kind)).toEqual(["turn", "turn"]);
    expect(calls.map((call) => call.attributes[ATTR.inputTokens])).toEqual([7, 7]);
    expect(activeDuringCall).toEqual(calls);
    expect(instrumentation.spans.every((span) => span.ended)).toBe(true);
  });

  it("records an agent's failure on its span and ends the run's span as ERROR", async () => {
    const instrumentation = recordingInstrumentation();
    registerScenarioInstrumentation(instrumentation);
    const broken = { role: AgentRole.AGENT, name: "Broken", call: () => Promise.reject(new Error("boom")) };
    const execution = new ScenarioExecution({
      name: "broken",
      description: "d",
      agents: [broken],
      script: [(_state, run) => run.user("hi"), (_state, run) => run.agent()],
    });
    await expect(execution.execute()).rejects.toThrow("boom");
    const call = instrumentation.spans.find((span) => span.kind === "agent-call")!;
    expect(call.errors).toHaveLength(1);
    const runSpan = instrumentation.spans.find((span) => span.kind === "run")!;
    expect(runSpan.attributes[ATTR.status]).toBe("ERROR");
    expect(runSpan.errors).toHaveLength(1);
  });

  it("keeps the run going when the instrumentation throws", async () => {
    registerScenarioInstrumentation({
      specificationVersion: INSTRUMENTATION_SPECIFICATION_VERSION,
      startSpan() {
        throw new Error("tracer broke");
      },
    });
    const agent = { role: AgentRole.AGENT, name: "Echo", call: () => "echo" };
    const warn = console.warn;
    const warnings: unknown[][] = [];
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const result = await new ScenarioExecution({
        name: "untraced",
        description: "d",
        agents: [agent],
        script: [
          (_state, run) => run.user("hi"),
          (_state, run) => run.agent(),
          (_state, run) => run.succeed(),
        ],
      }).execute();
      expect(result.status).toBe("SUCCESS");
    } finally {
      console.warn = warn;
    }
    expect(String(warnings[0]?.[0])).toContain("the run is not traced");
  });
});
