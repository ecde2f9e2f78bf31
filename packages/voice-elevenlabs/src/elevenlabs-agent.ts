import { ConfigurationError, type VoiceTransport } from "@scenario/spec";
import { type VoiceTransportAgent, voiceTransportAgent } from "@scenario/voice";
import type { ElevenLabsAgentOptions, ElevenLabsTransportOptions } from "./elevenlabs-options";
import { ElevenLabsTransport } from "./elevenlabs-transport";

const WEBSOCKET_URL = /^wss?:\/\//;

/**
 * The bare `VoiceTransport` of a conversation with an ElevenLabs agent, for driving it yourself;
 * most tests want `elevenLabsAgent()`, which wraps it in the session driver.
 */
export function elevenLabsTransport(options: ElevenLabsTransportOptions): VoiceTransport {
  const hasAgentId = typeof options?.agentId === "string" && options.agentId !== "";
  const hasSignedUrl = options?.signedUrl !== undefined;
  if (hasAgentId === hasSignedUrl) {
    throw new ConfigurationError(
      hasAgentId
        ? "elevenLabsAgent() takes `agentId` or `signedUrl`, not both: a signed URL already names its agent."
        : "elevenLabsAgent() needs `agentId` (the agent's id, `agent_…`) or `signedUrl` (from GET /v1/convai/conversation/get-signed-url).",
    );
  }
  if (hasSignedUrl && (typeof options.signedUrl !== "string" || !WEBSOCKET_URL.test(options.signedUrl))) {
    throw new ConfigurationError("`signedUrl` must be the wss:// URL ElevenLabs returned as `signed_url`.");
  }
  if (options.url !== undefined && !WEBSOCKET_URL.test(options.url)) {
    throw new ConfigurationError(
      `\`url\` must be a ws:// or wss:// URL, got ${JSON.stringify(options.url)}.`,
    );
  }
  if (options.connectTimeoutMs !== undefined && !(options.connectTimeoutMs > 0)) {
    throw new ConfigurationError(
      `connectTimeoutMs must be a positive number of milliseconds, got ${String(options.connectTimeoutMs)}.`,
    );
  }
  for (const [name, tool] of Object.entries(options.clientTools ?? {})) {
    if (typeof tool !== "function") {
      throw new ConfigurationError(`clientTools.${name} must be a function (parameters) => result.`);
    }
  }
  return new ElevenLabsTransport(options);
}

/**
 * Creates a voice adapter for an ElevenLabs conversational agent, over its WebSocket: it starts the
 * conversation with your overrides and dynamic variables, streams the simulated caller's audio as
 * a microphone would, lets the agent's turn taking end turns and interrupt replies (`interruption`,
 * dropping the cut reply's late audio), runs client tools, and hands the judge both sides'
 * transcripts and the tool calls.
 *
 * @example
 * const agent = elevenLabsAgent({ agentId: "agent_123", dynamicVariables: { customer: "Ada" } });
 * await run({ name: "balance", description: "...", agents: [agent, voiceUserSimulatorAgent(...), judgeAgent(...)] });
 */
export function elevenLabsAgent(options: ElevenLabsAgentOptions): VoiceTransportAgent {
  return voiceTransportAgent(elevenLabsTransport(options), options);
}
