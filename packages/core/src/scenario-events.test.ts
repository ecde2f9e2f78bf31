import {
  type AgentAdapter,
  AgentRole,
  type ModelMessage,
  type ScenarioConfig,
  type ScenarioEvent,
  type ScenarioMessageSnapshotEvent,
  type ScenarioRunFinishedEvent,
  type ScriptStep,
} from "@scenario/spec";
import { filter } from "rxjs";
import { afterEach, describe, expect, it, vi } from "vitest";
import { fakeAgentUnderTest, fakeJudge, fakeUser, verdict } from "../test/fake-agents";
import { getBatchRunId, run, ScenarioExecution, scenarioEvents$ } from "./index";

function scenario(
  agents: AgentAdapter[],
  script: ScriptStep[],
  extra: Partial<ScenarioConfig> = {},
): ScenarioConfig {
  return { name: "Events: Refund Flow!", description: "checks the events", agents, script, ...extra };
}

async function collect(config: ScenarioConfig) {
  const execution = new ScenarioExecution(config);
  const events: ScenarioEvent[] = [];
  let completed = false;
  execution.events$.subscribe({ next: (event) => events.push(event), complete: () => (completed = true) });
  const outcome = await execution.execute().then(
    (result) => ({ result, error: undefined }),
    (error: unknown) => ({ result: undefined, error }),
  );
  return { ...outcome, events, completed, execution };
}

const snapshots = (events: ScenarioEvent[]) =>
  events.filter((event): event is ScenarioMessageSnapshotEvent => event.type === "SCENARIO_MESSAGE_SNAPSHOT");
const finished = (events: ScenarioEvent[]) =>
  events.find((event): event is ScenarioRunFinishedEvent => event.type === "SCENARIO_RUN_FINISHED")!;

afterEach(() => {
  vi.restoreAllMocks();
  vi.unstubAllEnvs();
});

describe("run events", () => {
  it("emits run-started, a snapshot after every step, and run-finished, then completes", async () => {
    const { events, completed, result } = await collect(
      scenario(
        [fakeAgentUnderTest()],
        [(_s, e) => e.user("hi"), (_s, e) => e.agent(), () => undefined, (_s, e) => e.succeed("fine")],
        { metadata: { name: "ignored", description: "ignored", team: "payments", priority: 2 } },
      ),
    );
    expect(events.map((event) => event.type)).toEqual([
      "SCENARIO_RUN_STARTED",
      "SCENARIO_MESSAGE_SNAPSHOT",
      "SCENARIO_MESSAGE_SNAPSHOT",
      "SCENARIO_MESSAGE_SNAPSHOT",
      "SCENARIO_MESSAGE_SNAPSHOT",
      "SCENARIO_RUN_FINISHED",
    ]);
    expect(completed).toBe(true);
    const started = events[0]!;
    expect(started.type === "SCENARIO_RUN_STARTED" && started.metadata).toEqual({
      name: "Events: Refund Flow!",
      description: "checks the events",
      team: "payments",
      priority: 2,
    });
    expect(snapshots(events).map((snapshot) => snapshot.messages.length)).toEqual([1, 2, 2, 2]);
    expect(
      snapshots(events)[1]!.messages.map(({ role, content }: { role: string; content?: string }) => ({
        role,
        content,
      })),
    ).toEqual([
      { role: "user", content: "hi" },
      { role: "assistant", content: "agent reply 1" },
    ]);
    const end = finished(events);
    expect(end).toMatchObject({
      status: "SUCCESS",
      name: "Events: Refund Flow!",
      results: { verdict: "success", reasoning: "fine", metCriteria: [], unmetCriteria: [] },
      totalTimeMs: result!.totalTime,
      agentTimeMs: result!.agentTime,
      usage: result!.usage,
    });
    expect(result!.status).toBe(end.status);
  });

  it("reports failures, criteria and the judge's per-criterion verdicts", async () => {
    const judge = fakeJudge({
      replies: [
        {
          ...verdict(false, ["polite"], ["refunds"], "no refund offered"),
          criteria: [{ criterion: "refunds", verdict: "unmet", reasoning: "never mentioned" }],
        },
      ],
    });
    const { events, result } = await collect(scenario([judge], [(_s, e) => e.judge()]));
    expect(result!.status).toBe("FAILED");
    expect(finished(events)).toMatchObject({
      status: "FAILED",
      results: {
        verdict: "failure",
        reasoning: "no refund offered",
        metCriteria: ["polite"],
        unmetCriteria: ["refunds"],
        criteria: [{ criterion: "refunds", verdict: "unmet", reasoning: "never mentioned" }],
      },
    });
  });

  it("converts the conversation to the AG-UI snapshot shape with stable ids", async () => {
    const toolTurn: ModelMessage[] = [
      {
        role: "assistant",
        content: [
          { type: "reasoning", text: "need to look it up" },
          { type: "text", text: "Let me check. " },
          { type: "text", text: "One moment." },
          { type: "tool-call", toolCallId: "call-1", toolName: "lookup_order", input: { orderId: 42 } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "call-1",
            toolName: "lookup_order",
            output: { type: "json", value: { status: "shipped" } },
          },
          {
            type: "tool-result",
            toolCallId: "call-2",
            toolName: "notes",
            output: { type: "text", value: "none" },
          },
        ],
      },
    ];
    const { events } = await collect(
      scenario(
        [fakeAgentUnderTest({ replies: [toolTurn] })],
        [
          (_s, e) => e.message({ role: "system", content: "You are a support agent." }),
          (_s, e) =>
            e.user({
              role: "user",
              content: [
                { type: "text", text: "Where is " },
                { type: "text", text: "my order?" },
              ],
            }),
          (_s, e) => e.agent(),
          (_s, e) => e.succeed(),
        ],
      ),
    );
    const last = snapshots(events).at(-1)!;
    const ids = last.messages.map((message) => message.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(last.messages.map(({ id: _id, ...rest }) => rest)).toEqual([
      { role: "system", content: "You are a support agent." },
      { role: "user", content: "Where is my order?" },
      {
        role: "assistant",
        content: "Let me check. One moment.",
        toolCalls: [
          { id: "call-1", type: "function", function: { name: "lookup_order", arguments: '{"orderId":42}' } },
        ],
      },
      { role: "tool", content: '{"status":"shipped"}', toolCallId: "call-1" },
      { role: "tool", content: "none", toolCallId: "call-2" },
    ]);
    // The same message keeps its id from one snapshot to the next.
    const [first, second] = snapshots(events);
    expect(second!.messages[0]!.id).toBe(first!.messages[0]!.id);
    expect(last.messages[1]!.id).toBe(second!.messages[1]!.id);
  });

  it("logs a snapshot that cannot be built and goes on with the run", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    // A tool message with string content has no tool call to point at.
    const odd = { role: "tool", content: "free text" } as unknown as ModelMessage;
    const { result, events } = await collect(
      scenario([fakeAgentUnderTest({ replies: [odd] })], [(_s, e) => e.agent(), (_s, e) => e.succeed()]),
    );
    expect(result!.success).toBe(true);
    expect(finished(events).status).toBe("SUCCESS");
    expect(warn.mock.calls.some((call) => String(call[0]).includes("message snapshot failed"))).toBe(true);
  });

  it("survives subscribers that throw, directly or after pipe()", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => undefined);
    const execution = new ScenarioExecution(scenario([], [(_s, e) => e.user("hi"), (_s, e) => e.succeed()]));
    execution.events$.subscribe(() => {
      throw new Error("observer bug");
    });
    const piped = scenarioEvents$.pipe(filter((event) => event.scenarioRunId === execution.runId)).subscribe({
      next: () => {
        throw new Error("global observer bug");
      },
    });
    try {
      const result = await execution.execute();
      expect(result.success).toBe(true);
    } finally {
      piped.unsubscribe();
    }
    // Give rxjs a chance to report anything asynchronously: nothing may surface as uncaught.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const messages = warn.mock.calls.map((call) => String(call[0]));
    expect(messages.filter((text) => text.includes("event subscriber threw")).length).toBeGreaterThanOrEqual(
      8,
    );
  });
});

describe("the process-wide stream and ids", () => {
  it("receives the events of every run, each with its own run id", async () => {
    const seen: ScenarioEvent[] = [];
    const subscription = scenarioEvents$.subscribe((event) => seen.push(event));
    try {
      const [first, second] = await Promise.all([
        run(scenario([], [(_s, e) => e.succeed()], { name: "first" })),
        run(scenario([], [(_s, e) => e.fail()], { name: "second", id: "custom-id", setId: "nightly" })),
      ]);
      expect(first.runId).not.toBe(second.runId);
      const firstEvents = seen.filter((event) => event.scenarioRunId === first.runId);
      const secondEvents = seen.filter((event) => event.scenarioRunId === second.runId);
      expect(firstEvents.map((event) => event.type)).toEqual([
        "SCENARIO_RUN_STARTED",
        "SCENARIO_MESSAGE_SNAPSHOT",
        "SCENARIO_RUN_FINISHED",
      ]);
      expect(
        firstEvents.every((event) => event.scenarioId === "first" && event.scenarioSetId === "default"),
      ).toBe(true);
      expect(
        secondEvents.every((event) => event.scenarioId === "custom-id" && event.scenarioSetId === "nightly"),
      ).toBe(true);
      expect(first.runId).toMatch(/^scenariorun-[0-9a-f-]{36}$/);
      expect(seen.every((event) => event.batchRunId === getBatchRunId())).toBe(true);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("gives every event an eventId of its own, the same one on the run's stream and the process's", async () => {
    const global: ScenarioEvent[] = [];
    const subscription = scenarioEvents$.subscribe((event) => global.push(event));
    try {
      const runs = await Promise.all(
        [1, 2, 3].map((index) =>
          collect(
            scenario(
              [fakeAgentUnderTest()],
              [(_s, e) => e.user(`hi ${index}`), (_s, e) => e.agent(), (_s, e) => e.succeed()],
            ),
          ),
        ),
      );
      const local = runs.flatMap((outcome) => outcome.events);
      expect(local.length).toBeGreaterThanOrEqual(3 * 4);
      const ids = local.map((event) => event.eventId);
      expect(ids.every((id) => typeof id === "string" && /^evt-[0-9a-f-]{36}-[0-9a-z]+$/.test(id))).toBe(
        true,
      );
      expect(new Set(ids).size).toBe(ids.length);
      const globalIds = new Map(global.map((event) => [event.eventId, event]));
      for (const event of local) expect(globalIds.get(event.eventId)).toEqual(event);
    } finally {
      subscription.unsubscribe();
    }
  });

  it("slugs the name into the scenario id", async () => {
    const { events } = await collect(scenario([], [(_s, e) => e.succeed()]));
    expect(events[0]!.scenarioId).toBe("events-refund-flow");
  });

  it("takes the batch run id from SCENARIO_BATCH_RUN_ID, else one batch-run-<uuid> per process", async () => {
    const generated = getBatchRunId();
    expect(generated).toMatch(/^batch-run-[0-9a-f-]{36}$/);
    expect(getBatchRunId()).toBe(generated);
    vi.stubEnv("SCENARIO_BATCH_RUN_ID", "ci-job-7");
    expect(getBatchRunId()).toBe("ci-job-7");
    const { events } = await collect(scenario([], [(_s, e) => e.succeed()]));
    expect(events.every((event) => event.batchRunId === "ci-job-7")).toBe(true);
  });

  it("emits snapshots during proceed() as the agents speak", async () => {
    const { events } = await collect(
      scenario(
        [fakeUser(), fakeAgentUnderTest(), { role: AgentRole.JUDGE, call: () => null }],
        [(_s, e) => e.proceed(1), (_s, e) => e.succeed()],
      ),
    );
    const counts = snapshots(events).map((snapshot) => snapshot.messages.length);
    expect(counts.slice(0, 2)).toEqual([1, 2]);
    expect(snapshots(events).every((snapshot) => snapshot.turn === 0)).toBe(true);
  });
});
