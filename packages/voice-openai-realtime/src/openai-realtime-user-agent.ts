import type { AgentRole } from "@scenario/spec";
import { RealtimeCallerAgent, type RealtimeCallerOptions, VoiceTransportAgent } from "@scenario/voice";
import type { OpenAIRealtimeAgentOptions } from "./openai-realtime-options";
import { OpenAIRealtimeTransport } from "./openai-realtime-transport";

export { callerInstructions } from "@scenario/voice";

/** Options of `openAIRealtimeAgent({ role: AgentRole.USER, ... })`: a realtime model playing the caller. */
export interface OpenAIRealtimeUserAgentOptions
  extends Omit<OpenAIRealtimeAgentOptions, "role" | "speech" | "instructions">,
    RealtimeCallerOptions {
  /** The caller plays the user. */
  role: AgentRole.USER;
}

/**
 * The OpenAI Realtime model playing the user: `RealtimeCallerAgent` from `@scenario/voice` over an
 * `OpenAIRealtimeTransport` session instructed to play the scenario's caller.
 */
export class OpenAIRealtimeUserAgent extends RealtimeCallerAgent {
  private readonly sessionOptions: Omit<OpenAIRealtimeUserAgentOptions, keyof RealtimeCallerOptions | "role">;

  constructor(options: OpenAIRealtimeUserAgentOptions) {
    super(options, "OpenAIRealtimeUserAgent");
    const { role: _role, persona: _persona, instructions: _instructions, name: _name, ...session } = options;
    this.sessionOptions = session;
  }

  /** A Realtime session with the caller's instructions. */
  protected openSession(instructions: string, name: string): VoiceTransportAgent {
    const transport = new OpenAIRealtimeTransport({ ...this.sessionOptions, instructions });
    return new VoiceTransportAgent(transport, { ...this.sessionOptions, name });
  }
}
