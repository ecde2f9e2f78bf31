export { type MastraAdapterOptions, mastraAdapter } from "./mastra-adapter";
