import { scenarioPackage } from "../../tooling/tsup.preset";

// One entry per fake, so `@scenario/testing` (the text fakes) never loads a voice fake's dependencies.
export default scenarioPackage({
  entry: {
    index: "src/index.ts",
    realtime: "src/realtime/index.ts",
    twilio: "src/twilio/index.ts",
    pipecat: "src/pipecat/index.ts",
    "voice-websocket": "src/voice-websocket/index.ts",
    elevenlabs: "src/elevenlabs/index.ts",
    "gemini-live": "src/gemini-live/index.ts",
    otlp: "src/otlp/index.ts",
  },
});
