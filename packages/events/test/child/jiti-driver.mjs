// Runs a TypeScript file in a plain Node process, with the workspace packages loaded from their
// sources (the `scenario-source` condition of the tests), so child-process tests need no build.
import { createJiti } from "jiti";

const packages = new URL("../../../", import.meta.url);
const source = (name) => new URL(`${name}/src/index.ts`, packages).pathname;
const jiti = createJiti(import.meta.url, {
  alias: {
    "@scenario/spec": source("spec"),
    "@scenario/events": source("events"),
    "@scenario/core": source("core"),
    "@scenario/script": source("script"),
  },
});

const [script] = process.argv.slice(2);
if (script === undefined) throw new Error("Usage: node jiti-driver.mjs <script.ts>");
await jiti.import(new URL(script, `file://${process.cwd()}/`).pathname);
