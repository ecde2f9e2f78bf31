import { createOpenAI } from "@ai-sdk/openai";
import {
  judgeBehaviour,
  scenarioBehaviour,
  startFakeOpenAIServer,
  userSimulatorPersona,
} from "@scenario/testing";

// Answers each participant by its role: the agent under test, the simulated user, the judge.
const server = await startFakeOpenAIServer({
  reply: scenarioBehaviour({
    agent: "Your order 1042 ships tomorrow.",
    userSimulator: userSimulatorPersona(["Where is my order 1042?"]),
    judge: judgeBehaviour(), // finds every criterion met once the agent has replied
  }),
});

// Give its models, such as fakeOpenAI("gpt-4.1-mini"), to judgeAgent(), userSimulatorAgent() and
// your agent: no key, no network.
export const fakeOpenAI = createOpenAI({ baseURL: server.baseURL, apiKey: "fake" });

// ... run scenarios, then inspect `server.requests` ...

await server.close();
