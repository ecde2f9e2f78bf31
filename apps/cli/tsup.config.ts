import { scenarioPackage } from "../../tooling/tsup.preset";

// The library entry plus the `scenario` bin (dist/cli.js). Split, so the commands main.ts imports
// on demand stay in chunks of their own and `scenario --help` loads none of them.
export default scenarioPackage({ entry: { index: "src/index.ts", cli: "src/cli.ts" }, splitting: true });
