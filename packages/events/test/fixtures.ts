import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type {
  ScenarioEvent,
  ScenarioMessageSnapshotEvent,
  ScenarioRunFinishedEvent,
  ScenarioRunStartedEvent,
  ScenarioRunStatus,
  SnapshotMessage,
} from "@scenario/spec";

/** What a made-up run looks like. */
export interface FakeRunOptions {
  runId: string;
  scenarioId?: string;
  setId?: string;
  name?: string;
  description?: string;
  status?: ScenarioRunStatus;
  messages?: SnapshotMessage[];
  reasoning?: string;
  error?: string;
  startedAt?: number;
  totalTimeMs?: number;
  metadata?: Record<string, unknown>;
}

const BATCH = "batch-run-test";

/** The three kinds of events of one run: started, one snapshot per message, finished. */
export function fakeRunEvents(options: FakeRunOptions): ScenarioEvent[] {
  const base = {
    batchRunId: BATCH,
    scenarioRunId: options.runId,
    scenarioId: options.scenarioId ?? `scenario-${options.runId}`,
    scenarioSetId: options.setId ?? "default",
  };
  const startedAt = options.startedAt ?? 1_700_000_000_000;
  const totalTimeMs = options.totalTimeMs ?? 1500;
  const name = options.name ?? `Scenario ${options.runId}`;
  const messages = options.messages ?? defaultMessages(options.runId);
  const status = options.status ?? "SUCCESS";
  const started: ScenarioRunStartedEvent = {
    ...base,
    type: "SCENARIO_RUN_STARTED",
    timestamp: startedAt,
    metadata: {
      name,
      description: options.description ?? `The user asks about ${name}.`,
      ...options.metadata,
    },
  };
  const snapshots: ScenarioMessageSnapshotEvent[] = messages.map((_, index) => ({
    ...base,
    type: "SCENARIO_MESSAGE_SNAPSHOT",
    timestamp: startedAt + index + 1,
    messages: messages.slice(0, index + 1),
    turn: Math.floor(index / 2),
  }));
  const passed = status === "SUCCESS";
  const finished: ScenarioRunFinishedEvent = {
    ...base,
    type: "SCENARIO_RUN_FINISHED",
    timestamp: startedAt + totalTimeMs,
    status,
    name,
    totalTimeMs,
    agentTimeMs: Math.round(totalTimeMs / 3),
    usage: {
      inputTokens: 100,
      outputTokens: 20,
      totalTokens: 120,
      byRole: { Agent: { inputTokens: 60, outputTokens: 10, totalTokens: 70 } },
    },
    results: {
      verdict: passed ? "success" : status === "CANCELLED" ? "inconclusive" : "failure",
      reasoning: options.reasoning ?? (passed ? "All criteria met." : "The agent never gave a recipe."),
      metCriteria: passed ? ["Agent is polite", "Agent gives a recipe"] : ["Agent is polite"],
      unmetCriteria: passed ? [] : ["Agent gives a recipe"],
      criteria: [
        { criterion: "Agent is polite", verdict: "met", reasoning: "It greeted the user." },
        passed
          ? { criterion: "Agent gives a recipe", verdict: "met", reasoning: "It listed steps." }
          : { criterion: "Agent gives a recipe", verdict: "unmet", reasoning: "No recipe in any reply." },
      ],
      ...(options.error !== undefined ? { error: options.error } : {}),
    },
  };
  return [started, ...snapshots, finished];
}

function defaultMessages(runId: string): SnapshotMessage[] {
  return [
    { id: `${runId}-m1`, role: "user", content: "Give me a vegetarian recipe" },
    {
      id: `${runId}-m2`,
      role: "assistant",
      toolCalls: [
        {
          id: `${runId}-call`,
          type: "function",
          function: { name: "search_recipes", arguments: '{"diet":"vegetarian"}' },
        },
      ],
    },
    { id: `${runId}-m3`, role: "tool", toolCallId: `${runId}-call`, content: '{"results":["shakshuka"]}' },
    { id: `${runId}-m4`, role: "assistant", content: "Try shakshuka: eggs poached in tomato sauce." },
  ];
}

/** A text sink that remembers what was written. */
export function captureStream(isTTY = false): {
  write(chunk: string): boolean;
  isTTY: boolean;
  columns: number;
  text(): string;
} {
  const chunks: string[] = [];
  return {
    isTTY,
    columns: 100,
    write(chunk: string) {
      chunks.push(chunk);
      return true;
    },
    text: () => chunks.join(""),
  };
}

/** A request the collector received. */
export interface CollectedRequest {
  method: string;
  url: string;
  headers: IncomingMessage["headers"];
  body: string;
}

/** A local collector on 127.0.0.1 whose answers the test decides. */
export interface FakeCollector {
  url: string;
  requests: CollectedRequest[];
  /** Events accepted (answered 2xx), in arrival order. */
  accepted: ScenarioEvent[];
  close(): Promise<void>;
}

/**
 * Starts a collector. `respond` decides each answer; it may delay. The default accepts everything
 * with 201. `port` reuses a known port (a collector that "comes back" on the same address).
 */
export async function startCollector(
  respond: (request: CollectedRequest, response: ServerResponse) => void | Promise<void> = (
    _request,
    response,
  ) => {
    response.writeHead(201).end("{}");
  },
  options: { port?: number } = {},
): Promise<FakeCollector> {
  const requests: CollectedRequest[] = [];
  const accepted: ScenarioEvent[] = [];
  const server: Server = createServer((incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on("data", (chunk: Buffer) => chunks.push(chunk));
    incoming.on("end", () => {
      const request: CollectedRequest = {
        method: incoming.method ?? "",
        url: incoming.url ?? "",
        headers: incoming.headers,
        body: Buffer.concat(chunks).toString("utf8"),
      };
      requests.push(request);
      response.on("finish", () => {
        if (response.statusCode >= 200 && response.statusCode < 300) accepted.push(JSON.parse(request.body));
      });
      Promise.resolve(respond(request, response)).catch(() => {
        if (!response.headersSent) response.writeHead(500).end();
      });
    });
  });
  await new Promise<void>((done) => server.listen(options.port ?? 0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    accepted,
    close: () =>
      new Promise<void>((done) => {
        server.closeAllConnections();
        server.close(() => done());
      }),
  };
}

/** Waits until `check` holds, polling every 10 ms, at most `timeoutMs`. */
export async function waitFor(check: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`Condition not met within ${timeoutMs} ms`);
    await new Promise((done) => setTimeout(done, 10));
  }
}
