// The built package in plain Node, both ways: `import` loads dist/index.js, `require` loads
// dist/index.cjs. The adapter imports nothing from Mastra at run time (types only), so this runs on
// Node 20 too; the agent here is a stand-in with Mastra's `generate()` result shape; the real
// Mastra agent runs in the other tests (Node 22 leg).

import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { expect, it } from "vitest";

const PACKAGE = join(import.meta.dirname, "..");

const CHILD = `
import { createRequire } from "node:module";
const require = createRequire(${JSON.stringify(join(PACKAGE, "package.json"))});
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
const report = {};
for (const [way, module] of [["esm", await import("@scenario/adapter-mastra")], ["cjs", require("@scenario/adapter-mastra")]]) {
  const adapter = module.mastraAdapter({ agent });
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
    throw new Error("dist/ is missing: build first (pnpm --filter @scenario/adapter-mastra run build).");
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
    messages: [{ role: "assistant", content: [{ type: "text", text: "seen 1" }] }],
    usage: [{ inputTokens: 3, outputTokens: 1, totalTokens: 4 }],
  };
  expect(report).toEqual({ esm: expected, cjs: expected });
});
