import { scenarioPackage } from "../../tooling/tsup.preset";

// The library entry plus the `scenario` bin (dist/cli.js).
export default scenarioPackage({ entry: { index: "src/index.ts", cli: "src/cli.ts" } });
