import { pipecatAgent } from "@scenario/voice-pipecat";

// The agent under test: your Pipecat bot, running, with the protobuf serializer.
export const shopBot = pipecatAgent({ url: "ws://localhost:8765/ws" });
