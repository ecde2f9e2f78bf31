import { type AgentInput, type AgentReturn, AgentRole } from "@scenario/spec";
import { VoiceTransportAgent } from "@scenario/voice";
import type { GeminiLiveAgentOptions } from "./gemini-live-options";
import { GeminiLiveTransport } from "./gemini-live-transport";
import { GeminiLiveUserAgent, type GeminiLiveUserAgentOptions } from "./gemini-live-user-agent";

/**
 * A voice agent under test behind the Gemini Live API: the session driver from `@scenario/voice`
 * over a `GeminiLiveTransport`. It turns user messages into audio turns, barges in natively,
 * records the call, maps failures to typed errors, and reports the tokens the server counted
 * (`usageMetadata`) into the run's usage.
 */
export class GeminiLiveAgent extends VoiceTransportAgent {
  /** The transport the call runs over. */
  declare readonly transport: GeminiLiveTransport;

  constructor(options: GeminiLiveAgentOptions = {}) {
    const transport = new GeminiLiveTransport(options);
    super(transport, { ...options, name: transport.name });
  }

  /** The driver's turn, then the tokens the server reported since the last turn into the run's usage. */
  override async call(input: AgentInput): Promise<AgentReturn> {
    try {
      return await super.call(input);
    } finally {
      const usage = this.transport.takeUsage();
      if (usage !== undefined) input.recordUsage(usage);
    }
  }
}

/**
 * Creates a voice agent adapter for an agent behind the Gemini Live API or, with
 * `role: AgentRole.USER`, a Gemini Live model playing the simulated caller voice-to-voice.
 *
 * @example
 * const agent = geminiLiveAgent({ systemInstruction: "You are a bank's phone assistant.", voice: "Kore" });
 * await run({ name: "balance", description: "...", agents: [agent, voiceUserSimulatorAgent(...), judgeAgent(...)] });
 * @example
 * const caller = geminiLiveAgent({ role: AgentRole.USER, persona: "A caller who lost their card" });
 */
export function geminiLiveAgent(options: GeminiLiveUserAgentOptions): GeminiLiveUserAgent;
export function geminiLiveAgent(options?: GeminiLiveAgentOptions): GeminiLiveAgent;
export function geminiLiveAgent(
  options: GeminiLiveAgentOptions | GeminiLiveUserAgentOptions = {},
): GeminiLiveAgent | GeminiLiveUserAgent {
  if (options.role === AgentRole.USER) return new GeminiLiveUserAgent(options);
  return new GeminiLiveAgent(options as GeminiLiveAgentOptions);
}
