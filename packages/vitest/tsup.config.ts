import { scenarioPackage } from "../../tooling/tsup.preset";

// The setup and suite entries import vitest when they load, so they stay out of the main entry,
// which loads in plain Node (a vitest.config.ts, the reporter in vitest's main process).
export default scenarioPackage({
  entry: {
    index: "src/index.ts",
    setup: "src/setup.ts",
    "global-setup": "src/global-setup.ts",
    suite: "src/suite.ts",
    reporter: "src/reporter.ts",
  },
});
