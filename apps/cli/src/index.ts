export type { CliIO } from "./cli-io";
export { main } from "./main";
