// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs. The adapter imports nothing from Mastra at run time (types only), so this runs on
// Node 20 too; the agent here is a stand-in with Mastra's `generate()` result shape; the real
// Mastra agent runs in the other tests (Node 22 leg).

import { join } from "node:path";
import { expect, it } from "vitest";
import { loadDistBothWays } from "../../../tooling/test-helpers/load-dist-both-ways";

const SETUP = `
const agent = {
  name: "Plain",
  hasOwnMemory: () => false,
  async generate(messages) {
    return {
      response: { messages: [{ role: "assistant", content: [{ type: "text", text: "seen " + messages.length }] }] },
      totalUsage: { inputTokens: 3, outputTokens: 1, totalTokens: 4 },
    };
  },
};
`;

it("loads and runs from dist in plain Node through import and require", () => {
  const report = loadDistBothWays({
    packageDir: join(import.meta.dirname, ".."),
    setup: SETUP,
    body: `return callOnce(module.mastraAdapter({ agent }));`,
  });
  const expected = {
    version: "scenario.agent.v1",
    role: "Agent",
    name: "Plain",
    messages: [{ role: "assistant", content: [{ type: "text", text: "seen 1" }] }],
    usage: [{ inputTokens: 3, outputTokens: 1, totalTokens: 4 }],
  };
  expect(report).toEqual({ esm: expected, cjs: expected });
});
