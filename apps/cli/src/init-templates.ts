// The files `scenario init` writes. Each imports only packages that `scenario init` then checks are
// installed, and asks for those missing: the install line always matches the imports.

/** The packages every scaffold imports or needs at run time (the default model loads @ai-sdk/openai). */
export const ONLINE_PACKAGES = ["@scenario/cli", "@scenario/kit", "ai", "@ai-sdk/openai", "zod"];

/** The offline scaffold's config also starts the fake model server of @scenario/testing. */
export const OFFLINE_PACKAGES = [...ONLINE_PACKAGES, "@scenario/testing"];

/** scenario.config.ts for a project with a model key. */
export const CONFIG_TEMPLATE = `import { defineConfig } from "@scenario/kit";

// Settings for \`scenario run\`; command-line flags override them.
export default defineConfig({
  // The model of the judge and the user simulator. Without it, OPENAI_API_KEY selects OpenAI's
  // gpt-4.1-mini. Any AI SDK model works, e.g. (with @ai-sdk/openai installed):
  // defaultModel: { model: openai("gpt-4.1-mini"), temperature: 0 },
  concurrency: 4,
  maxTurns: 10,
  outputDir: "scenario-reports",
});
`;

/**
 * scenario.config.ts that runs with no key: \`setup\` starts a local fake OpenAI-compatible server
 * that plays the user simulator and the judge, and makes it the default model.
 */
export const OFFLINE_CONFIG_TEMPLATE = `import { createOpenAI } from "@ai-sdk/openai";
import { applyProjectConfig, defineConfig } from "@scenario/kit";
import {
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";

// OFFLINE: a local fake model plays the simulated user and the judge, so \`scenario run\` works with
// no API key. To use a real model, delete \`setup\` and set OPENAI_API_KEY (or defaultModel).
export default defineConfig({
  concurrency: 4,
  maxTurns: 10,
  outputDir: "scenario-reports",
  async setup() {
    const server = await startFakeOpenAIServer({
      reply: scenarioBehaviour({
        // The simulated user's lines, in order, per run (so --repeat works too).
        userSimulator: userSimulatorPersona(["Hi! What can you do for me?"]),
        // Finds every criterion met; see judgeBehaviour({ decide }) to script verdicts.
        judge: judgeBehaviour(),
      }),
    });
    applyProjectConfig({ defaultModel: createOpenAI({ baseURL: server.baseURL, apiKey: "offline" })("gpt-4.1-mini") });
    return () => server.close();
  },
});
`;

/** The example scenario; `offline` words its comment for the fake model. */
export function exampleTemplate(offline: boolean): string {
  const modelNote = offline
    ? "// judge need a model: here the fake one that scenario.config.ts starts."
    : "// judge need a model: set OPENAI_API_KEY, or defaultModel in scenario.config.ts.";
  return `import { AgentRole, type AgentAdapter, agent, defineScenario, judge, judgeAgent, user, userSimulatorAgent } from "@scenario/kit";

// The agent under test. Replace the body of call() with a call to your own agent.
const echoAgent: AgentAdapter = {
  role: AgentRole.AGENT,
  async call(input) {
    const last = input.messages.at(-1);
    const text = typeof last?.content === "string" ? last.content : "";
    return \`Happy to help! You asked: \${text}\`;
  },
};

// A scenario file declares scenarios; \`scenario run\` finds and runs it. The user simulator and the
${modelNote}
export default defineScenario({
  name: "greets a new customer",
  description: "A first-time customer says hello and asks what the assistant can do.",
  agents: () => [
    echoAgent,
    userSimulatorAgent(),
    judgeAgent({ criteria: ["The assistant answers politely", "The assistant offers help"] }),
  ],
  script: [
    ${offline ? "user(), // the user simulator writes the first message" : 'user("Hi! What can you do for me?"), // or user(): the user simulator writes it'}
    agent(),
    (state) => {
      if (!state.lastAgentMessage()) throw new Error("the agent did not reply");
    },
    judge(),
  ],
});
`;
}
