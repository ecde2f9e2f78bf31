// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs, and each wraps a real (model-free) LangGraph graph and runs one turn.

import { join } from "node:path";
import { expect, it } from "vitest";
import { loadDistBothWays } from "../../../tooling/test-helpers/load-dist-both-ways";

const SETUP = `
const { AIMessage } = await import("@langchain/core/messages");
const { StateGraph, MessagesAnnotation, START, END } = await import("@langchain/langgraph");
const graph = new StateGraph(MessagesAnnotation)
  .addNode("reply", () => ({ messages: [new AIMessage({ content: "hi", usage_metadata: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } })] }))
  .addEdge(START, "reply").addEdge("reply", END).compile();
`;

it("loads and runs from dist in plain Node through import and require", () => {
  const report = loadDistBothWays({
    packageDir: join(import.meta.dirname, ".."),
    setup: SETUP,
    body: `return callOnce(module.langGraphAdapter({ graph, name: "Plain" }));`,
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
