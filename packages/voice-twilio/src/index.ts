export {
  type TwilioAgentOptions,
  type TwilioTransportOptions,
  type TwilioWebSocket,
  type TwilioWebSocketConstructor,
  twilioAgent,
  twilioTransport,
} from "./twilio-agent";
export { twilioCapabilities } from "./twilio-capabilities";
