export type { CliIO } from "./cli-io";
export { createProgram, main } from "./main";
