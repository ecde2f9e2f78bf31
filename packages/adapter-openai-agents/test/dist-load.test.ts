// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs, and each wraps a real OpenAI Agents SDK agent (its model a local stub that
// implements the SDK's `Model` interface, so nothing leaves the process) and runs one turn.

import { join } from "node:path";
import { expect, it } from "vitest";
import { loadDistBothWays } from "../../../tooling/test-helpers/load-dist-both-ways";

const SETUP = `
const { Agent, Usage, setTracingDisabled } = await import("@openai/agents");
setTracingDisabled(true);
const model = {
  async getResponse() {
    return {
      usage: new Usage({ requests: 1, inputTokens: 3, outputTokens: 1, totalTokens: 4 }),
      output: [{ type: "message", role: "assistant", status: "completed", content: [{ type: "output_text", text: "hi" }] }],
    };
  },
  getStreamedResponse() { throw new Error("not streamed"); },
};
`;

it("loads and runs from dist in plain Node through import and require", () => {
  const report = loadDistBothWays({
    packageDir: join(import.meta.dirname, ".."),
    setup: SETUP,
    body: `return callOnce(module.openAIAgentsAdapter({ agent: new Agent({ name: "Plain", model }) }));`,
  });
  const expected = {
    version: "scenario.agent.v1",
    role: "Agent",
    name: "Plain",
    messages: [{ role: "assistant", content: [{ type: "text", text: "hi" }] }],
    usage: [{ inputTokens: 3, outputTokens: 1, totalTokens: 4 }],
  };
  expect(report).toEqual({ esm: expected, cjs: expected });
});
