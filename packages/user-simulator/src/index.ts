export { DEFAULT_USER_SIMULATOR_INSTRUCTIONS } from "./simulator-prompt";
export {
  UserSimulatorAgent,
  type UserSimulatorAgentOptions,
  userSimulatorAgent,
} from "./user-simulator-agent";
