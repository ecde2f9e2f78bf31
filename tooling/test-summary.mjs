#!/usr/bin/env node
// Prints the test run's closing line in the plain "N passed, N failed, N skipped" form, from the
// JSON results vitest writes during `npm test`, so CI logs end with one unambiguous count.
import { readFileSync } from "node:fs";

const file = new URL("../.vitest-results.json", import.meta.url);
let results;
try {
  results = JSON.parse(readFileSync(file, "utf8"));
} catch (error) {
  console.error(`No test results at ${file.pathname}: did vitest run? (${error.message})`);
  process.exit(1);
}
const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
console.log(`tests: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`);
process.exit(results.numFailedTests === 0 && results.numTotalTests > 0 ? 0 : 1);
