import { type VoiceSessionOptions, type VoiceTransportAgent, voiceTransportAgent } from "@scenario/voice";
import type { PipecatTransportOptions } from "./pipecat-options";
import { pipecatTransport } from "./pipecat-transport";

/** Options of `pipecatAgent()`: where the bot is and how it speaks, plus the session driver's. */
export interface PipecatAgentOptions extends PipecatTransportOptions, VoiceSessionOptions {}

/**
 * A voice agent under test that is a Pipecat bot, reached the way a Pipecat client reaches it: over
 * its WebSocket transport with the protobuf frame serializer and RTVI messages. The caller's audio
 * goes out in real time as 16 kHz frames; the bot's VAD decides when the caller finished and when
 * it was talked over; its transcripts, speaking events and tool calls go on the recording.
 *
 * @example
 * const bot = pipecatAgent({ url: "ws://localhost:8765/ws" });
 */
export function pipecatAgent(options: PipecatAgentOptions): VoiceTransportAgent {
  return voiceTransportAgent(pipecatTransport(options), options);
}
