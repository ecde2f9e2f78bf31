import type { AgentRole } from "@scenario/spec";
import { RealtimeCallerAgent, type RealtimeCallerOptions, type VoiceTransportAgent } from "@scenario/voice";
import { GeminiLiveAgent } from "./gemini-live-agent";
import type { GeminiLiveAgentOptions } from "./gemini-live-options";

/** Options of `geminiLiveAgent({ role: AgentRole.USER, ... })`: a Gemini Live model playing the caller. */
export interface GeminiLiveUserAgentOptions
  extends Omit<GeminiLiveAgentOptions, "role" | "speech" | "systemInstruction">,
    RealtimeCallerOptions {
  /** The caller plays the user. */
  role: AgentRole.USER;
}

/**
 * A Gemini Live model playing the user: `RealtimeCallerAgent` from `@scenario/voice` over a Live API
 * session whose system instruction is the caller's part. The tokens the server counts for the
 * caller go into the run's usage under the user's role.
 */
export class GeminiLiveUserAgent extends RealtimeCallerAgent {
  private readonly sessionOptions: Omit<GeminiLiveUserAgentOptions, keyof RealtimeCallerOptions | "role">;

  constructor(options: GeminiLiveUserAgentOptions) {
    super(options, "GeminiLiveUserAgent");
    const { role: _role, persona: _persona, instructions: _instructions, name: _name, ...session } = options;
    this.sessionOptions = session;
  }

  /** A Live API session with the caller's instructions as its system instruction. */
  protected openSession(instructions: string, name: string): VoiceTransportAgent {
    return new GeminiLiveAgent({ ...this.sessionOptions, systemInstruction: instructions, name });
  }
}
