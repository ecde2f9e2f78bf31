import { fileURLToPath } from "node:url";
import { scenarioPackage } from "../../tooling/tsup.preset";

const cjsStub = fileURLToPath(new URL("./src/vitest-cjs-stub.ts", import.meta.url));

export default scenarioPackage({
  // vitest cannot be require()d: the CommonJS build takes a stand-in that explains this when
  // describeAdapterConformance() is called, so the rest of the kit still loads with require().
  // tsup would mark the peer external before the plugin sees it; the plugin decides per format.
  noExternal: ["vitest"],
  esbuildPlugins: [
    {
      name: "vitest-cjs-stub",
      setup(build) {
        const cjs = build.initialOptions.format === "cjs";
        build.onResolve({ filter: /^vitest$/ }, () =>
          cjs ? { path: cjsStub } : { path: "vitest", external: true },
        );
      },
    },
  ],
});
