import { scenarioPackage } from "../../tooling/tsup.preset";

export default scenarioPackage();
