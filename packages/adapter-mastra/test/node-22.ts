import { describe } from "vitest";

/** Mastra needs Node 22.13 or later: its tests run in the Node 22 leg of CI (Node 22, AI SDK 7) only. */
export const nodeSupportsMastra = (() => {
  const [major = 0, minor = 0] = process.versions.node.split(".").map(Number);
  return major > 22 || (major === 22 && minor >= 13);
})();

/** `describe`, skipped below Node 22.13 with a title that says where the tests run. */
export const describeOnNode22 = nodeSupportsMastra
  ? describe
  : (name: string, body: () => void) =>
      describe.skip(
        `${name} (skipped on Node ${process.versions.node}: @mastra/core needs Node >= 22.13; these tests run in the Node 22 leg of CI)`,
        body,
      );
