#!/usr/bin/env node
// Writes reference/api/ with TypeDoc (options in typedoc.json): one module per published package,
// read from its src/index.ts through the packages' tsconfig, so no build is needed.
//
//   node scripts/gen-api-reference.mjs
import { createRequire, register } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const docsRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
const typescriptPath = createRequire(join(docsRoot, "package.json")).resolve("typescript");
register("./typescript-6-hook.mjs", import.meta.url, {
  data: { typescriptUrl: pathToFileURL(typescriptPath).href },
});

const typedoc = await import("typedoc");
const app = await typedoc.Application.bootstrapWithPlugins({ options: join(docsRoot, "typedoc.json") }, [
  new typedoc.TypeDocReader(),
  new typedoc.TSConfigReader(),
]);
const project = await app.convert();
if (!project) {
  console.error("TypeDoc could not convert the packages (see the errors above).");
  process.exit(1);
}
await app.generateOutputs(project);
if (app.logger.hasErrors()) process.exit(1);
console.log(`Wrote the API reference of ${project.children?.length ?? 0} packages to reference/api/.`);
