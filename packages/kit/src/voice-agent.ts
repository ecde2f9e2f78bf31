import { agent } from "@scenario/script";
import type { ModelMessage, ScriptStep } from "@scenario/spec";

/** Options of `voiceAgent()`. */
export interface VoiceAgentOptions {
  /** A message to append as the agent's, instead of calling the agent under test. */
  content?: string | ModelMessage;
  /**
   * `false` starts the agent's turn without awaiting it; the next blocking step waits for it first
   * (for barge-in: the agent starts replying, the user interrupts).
   * @default true
   */
  wait?: boolean;
}

/**
 * `agent()` under the voice-flavoured name `@langwatch/scenario` also gives it:
 * `voiceAgent({ wait: false })` is `agent({ wait: false })`, `voiceAgent({ content })` is
 * `agent(content)` and `voiceAgent()` is `agent()`. It works with text agents too.
 */
export function voiceAgent(options: VoiceAgentOptions = {}): ScriptStep {
  if (options.content !== undefined) return agent(options.content);
  return agent(options.wait === false ? { wait: false } : undefined);
}
