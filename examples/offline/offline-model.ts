import { createOpenAI } from "@ai-sdk/openai";
import { applyProjectConfig } from "@scenario/kit";
import { scenarioBehaviour, startFakeOpenAIServer } from "@scenario/testing";
import { useSupportModel } from "../support/support-model";
import { customerBrain } from "./customer-brain";
import { judgeBrain } from "./judge-brain";
import { supportAgentBrain } from "./support-agent-brain";

/** The running offline model server. */
export interface OfflineModel {
  /** The fake server's OpenAI-compatible base URL. */
  baseURL: string;
  /** Stops the server and forgets the offline models. */
  close(): Promise<void>;
}

/**
 * Starts the local fake OpenAI-compatible server of @scenario/testing and points everything at it:
 * the support agent, the user simulator and the judge. Each is played by a scripted "brain" keyed
 * on the conversation, so the demo runs without an API key, deterministically, in seconds.
 */
export async function startOfflineModel(): Promise<OfflineModel> {
  const server = await startFakeOpenAIServer({
    reply: scenarioBehaviour({ agent: supportAgentBrain, userSimulator: customerBrain, judge: judgeBrain }),
    // A little latency, so the live view shows runs overlapping as they would with a real model.
    latencyMs: 40,
  });
  const provider = createOpenAI({ baseURL: server.baseURL, apiKey: "offline-demo" });
  useSupportModel(provider("gpt-4.1-mini"));
  applyProjectConfig({ defaultModel: provider("gpt-4.1-mini") });
  return {
    baseURL: server.baseURL,
    async close() {
      useSupportModel(undefined);
      await server.close();
    },
  };
}
