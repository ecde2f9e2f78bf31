export { adapterConformanceChecks, uniqueMarker } from "./adapter-conformance-checks";
export { AdapterConformanceError } from "./adapter-conformance-error";
export type {
  AdapterConformanceCheck,
  AdapterConformanceOptions,
  AdapterFactory,
  AdapterReturnShapeCase,
} from "./adapter-conformance-options";
export { type CreateAgentInputOptions, createAgentInput, type TestAgentInput } from "./create-agent-input";
export { describeAdapterConformance } from "./describe-adapter-conformance";
