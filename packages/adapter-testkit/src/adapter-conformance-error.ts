/**
 * A conformance check failed: the adapter breaks the `AgentAdapter` contract. The message names the
 * adapter, the rule it broke and what to change. It is a test failure, not a runtime error, so it
 * is a plain `Error` rather than a `ScenarioError` with a code.
 */
export class AdapterConformanceError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "AdapterConformanceError";
  }
}
