// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs, and each wraps a real (model-free) LangGraph graph and runs one turn.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const PACKAGE = join(import.meta.dirname, "..");

const CHILD = `
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(join(PACKAGE, "package.json"))});
const { AIMessage } = await import("@langchain/core/messages");
const { StateGraph, MessagesAnnotation, START, END } = await import("@langchain/langgraph");
const graph = new StateGraph(MessagesAnnotation)
  .addNode("reply", () => ({ messages: [new AIMessage({ content: "hi", usage_metadata: { input_tokens: 3, output_tokens: 1, total_tokens: 4 } })] }))
  .addEdge(START, "reply").addEdge("reply", END).compile();
const report = {};
for (const [way, module] of [["esm", await import("@scenario/adapter-langgraph")], ["cjs", require("@scenario/adapter-langgraph")]]) {
  const adapter = module.langGraphAdapter({ graph, name: "Plain" });
  const usage = [];
  const messages = await adapter.call({
    threadId: "t-" + way, messages: [{ role: "user", content: "hello" }], newMessages: [{ role: "user", content: "hello" }],
    requestedRole: "Agent", scenarioState: {}, scenarioConfig: {}, recordUsage: (u) => usage.push(u),
  });
  report[way] = { version: adapter.specificationVersion, role: adapter.role, messages, usage };
}
console.log(JSON.stringify(report));
`;

it("loads and runs from dist in plain Node through import and require", () => {
  if (!existsSync(join(PACKAGE, "dist", "index.cjs"))) {
    throw new Error("dist/ is missing: build first (pnpm --filter @scenario/adapter-langgraph run build).");
  }
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: PACKAGE,
    encoding: "utf8",
    timeout: 60_000,
  });
  const report = JSON.parse(output.trim().split("\n").at(-1) as string);
  const expected = {
    version: "scenario.agent.v1",
    role: "Agent",
    messages: [{ role: "assistant", content: [{ type: "text", text: "hi" }] }],
    usage: [{ inputTokens: 3, outputTokens: 1, totalTokens: 4 }],
  };
  expect(report).toEqual({ esm: expected, cjs: expected });
});
