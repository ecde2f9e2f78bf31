import { AgentRole } from "@scenario/spec";
import { VoiceTransportAgent } from "@scenario/voice";
import type { OpenAIRealtimeAgentOptions } from "./openai-realtime-options";
import { OpenAIRealtimeTransport } from "./openai-realtime-transport";
import { OpenAIRealtimeUserAgent, type OpenAIRealtimeUserAgentOptions } from "./openai-realtime-user-agent";

/**
 * A voice agent under test behind the OpenAI Realtime API: the session driver from
 * `@scenario/voice` over an `OpenAIRealtimeTransport`. It turns user messages into audio turns,
 * barges in natively, records the call and maps failures to typed errors.
 */
export class OpenAIRealtimeAgent extends VoiceTransportAgent {
  constructor(options: OpenAIRealtimeAgentOptions = {}) {
    const transport = new OpenAIRealtimeTransport(options);
    super(transport, { ...options, name: transport.name });
  }
}

/**
 * Creates a voice agent adapter for an agent behind the OpenAI Realtime API or, with
 * `role: AgentRole.USER`, a realtime model playing the simulated caller voice-to-voice.
 *
 * @example
 * const agent = openAIRealtimeAgent({ instructions: "You are a bank's phone assistant.", voice: "alloy" });
 * await run({ name: "balance", description: "...", agents: [agent, voiceUserSimulatorAgent(...), judgeAgent(...)] });
 * @example
 * const caller = openAIRealtimeAgent({ role: AgentRole.USER, persona: "A caller who lost their card" });
 */
export function openAIRealtimeAgent(options: OpenAIRealtimeUserAgentOptions): OpenAIRealtimeUserAgent;
export function openAIRealtimeAgent(options?: OpenAIRealtimeAgentOptions): OpenAIRealtimeAgent;
export function openAIRealtimeAgent(
  options: OpenAIRealtimeAgentOptions | OpenAIRealtimeUserAgentOptions = {},
): OpenAIRealtimeAgent | OpenAIRealtimeUserAgent {
  if (options.role === AgentRole.USER) return new OpenAIRealtimeUserAgent(options);
  return new OpenAIRealtimeAgent(options as OpenAIRealtimeAgentOptions);
}
