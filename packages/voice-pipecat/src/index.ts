export { type PipecatAgentOptions, pipecatAgent } from "./pipecat-agent";
export {
  type PipecatTransportOptions,
  type PipecatWebSocket,
  type PipecatWebSocketConstructor,
  pipecatCapabilities,
} from "./pipecat-options";
export { pipecatTransport } from "./pipecat-transport";
