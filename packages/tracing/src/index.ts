export { AgentSpanCollector, type AgentSpanCollectorOptions } from "./agent-span-collector";
export {
  type ScenarioTracingHandle,
  type ScenarioTracingOptions,
  setupScenarioTracing,
} from "./setup-scenario-tracing";
