// Stands in for vitest in the CommonJS build: vitest cannot be require()d, and importing it there
// would stop the whole kit from loading. Only describeAdapterConformance() needs it.
function unavailable(): never {
  throw new Error(
    "describeAdapterConformance() needs vitest, which loads only as an ES module: import " +
      "@scenario/adapter-testkit from an ES module test file (vitest runs test files as ES modules), " +
      "or run the checks yourself with adapterConformanceChecks().",
  );
}

/** The CommonJS build's stand-in for vitest's `describe`: throws, saying what to do instead. */
export const describe = unavailable;
/** The CommonJS build's stand-in for vitest's `it`: throws, saying what to do instead. */
export const it = Object.assign(unavailable, { skip: unavailable });
