import { scenarioEvents$ } from "@scenario/core";
import { createEventBus, resolveReporters } from "@scenario/events";

const bus = createEventBus({
  source: scenarioEvents$,
  reporters: await resolveReporters(["console", ["junit", { outputDir: "reports" }], "html"]),
});

// ... run scenarios ...

await bus.endSuite(); // onSuiteEnd with counts, flaky scenarios, time and tokens
await bus.drain(); // every reporter done and flushed; nothing keeps the process alive
