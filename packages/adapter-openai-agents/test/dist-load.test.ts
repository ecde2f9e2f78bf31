// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs, and each wraps a real OpenAI Agents SDK agent (its model a local stub that
// implements the SDK's `Model` interface, so nothing leaves the process) and runs one turn.

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const PACKAGE = join(import.meta.dirname, "..");

const CHILD = `
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(join(PACKAGE, "package.json"))});
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
const report = {};
for (const [way, module] of [["esm", await import("@scenario/adapter-openai-agents")], ["cjs", require("@scenario/adapter-openai-agents")]]) {
  const adapter = module.openAIAgentsAdapter({ agent: new Agent({ name: "Plain", model }) });
  const usage = [];
  const messages = await adapter.call({
    threadId: "t-" + way, messages: [{ role: "user", content: "hello" }], newMessages: [{ role: "user", content: "hello" }],
    requestedRole: "Agent", scenarioState: {}, scenarioConfig: {}, recordUsage: (u) => usage.push(u),
  });
  report[way] = { version: adapter.specificationVersion, role: adapter.role, name: adapter.name, messages, usage };
}
console.log(JSON.stringify(report));
`;

it("loads and runs from dist in plain Node through import and require", () => {
  if (!existsSync(join(PACKAGE, "dist", "index.cjs"))) {
    throw new Error(
      "dist/ is missing: build first (pnpm --filter @scenario/adapter-openai-agents run build).",
    );
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
    name: "Plain",
    messages: [{ role: "assistant", content: [{ type: "text", text: "hi" }] }],
    usage: [{ inputTokens: 3, outputTokens: 1, totalTokens: 4 }],
  };
  expect(report).toEqual({ esm: expected, cjs: expected });
});
