import { setupScenarioTracing } from "@scenario/tracing";

// Once, before the runs: a vitest setup file, or the top of scenario.config.ts.
const tracing = setupScenarioTracing({
  endpoint: "http://localhost:4318", // any OTLP/HTTP collector: Jaeger, Grafana Tempo, LangWatch…
  headers: { authorization: `Bearer ${process.env.COLLECTOR_TOKEN}` },
});

// ... run scenarios ...

await tracing.shutdown(); // ends the suite span and exports every finished span
