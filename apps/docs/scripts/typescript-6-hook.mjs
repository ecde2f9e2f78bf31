// A module resolve hook: `import "typescript"` gets the workspace's TypeScript 6 compiler API.
// The lockfile pairs typedoc with its peer `typescript` as the root's `tsc7` alias (TypeScript 7,
// the native compiler, which has no JavaScript API), so typedoc cannot load it as installed.

let typescriptUrl;

/** Receives the URL of the TypeScript module to serve (from module.register's `data`). */
export function initialize(data) {
  typescriptUrl = data.typescriptUrl;
}

/** Resolves the bare specifier `typescript` to the TypeScript 6 module; anything else as usual. */
export function resolve(specifier, context, nextResolve) {
  if (specifier === "typescript") return nextResolve(typescriptUrl, context);
  return nextResolve(specifier, context);
}
