// A process that runs every built-in reporter on a few runs, drains, and then simply ends: the
// parent test checks that nothing (a timer, a socket) keeps it alive afterwards.
import { createEventBus, resolveReporters } from "@scenario/events";
import { fakeRunEvents } from "../fixtures";

const outputDir = process.env.CHILD_OUTPUT_DIR;
if (outputDir === undefined) throw new Error("CHILD_OUTPUT_DIR is required");

const reporters = await resolveReporters(
  [
    "console",
    "jsonl",
    "junit",
    "html",
    [
      "http",
      {
        drainTimeoutMs: Number(process.env.CHILD_HTTP_DRAIN_TIMEOUT_MS ?? 10_000),
        initialRetryDelayMs: 50,
        maxRetryDelayMs: 200,
      },
    ],
  ],
  { cwd: outputDir },
);
const bus = createEventBus({ reporters });
await bus.startSuite({ batchRunId: "batch-run-test" });
const runs = [
  fakeRunEvents({ runId: "child-1", name: "Passes in a child" }),
  fakeRunEvents({ runId: "child-2", name: "Fails in a child", status: "FAILED" }),
  fakeRunEvents({ runId: "child-3", name: "Errors in a child", status: "ERROR", error: "agent crashed" }),
];
const longest = Math.max(...runs.map((events) => events.length));
for (let index = 0; index < longest; index += 1) {
  for (const events of runs) {
    const event = events[index];
    if (event !== undefined) bus.publish(event);
  }
}
await bus.endSuite();
await bus.drain();
process.stdout.write(`DRAINED ${Date.now()}\n`);
