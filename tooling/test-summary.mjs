#!/usr/bin/env node
// Prints the test run's closing line in the plain "N passed, N failed, N skipped" form, from the
// JSON results vitest writes during `npm test` (one file per leg), so CI logs end with one
// unambiguous count over every leg. A leg whose results are missing counts as a failure.
//
//   node tooling/test-summary.mjs [results.json ...]   (default: .vitest-results.json)
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const files = process.argv.slice(2);
if (files.length === 0) files.push(fileURLToPath(new URL("../.vitest-results.json", import.meta.url)));

const total = { passed: 0, failed: 0, skipped: 0 };
let complete = true;
for (const file of files) {
  let results;
  try {
    results = JSON.parse(readFileSync(file, "utf8"));
  } catch (error) {
    console.error(`No test results at ${file}: did vitest run? (${error.message})`);
    complete = false;
    continue;
  }
  const skipped = (results.numPendingTests ?? 0) + (results.numTodoTests ?? 0);
  if (files.length > 1) {
    console.log(
      `${file}: ${results.numPassedTests} passed, ${results.numFailedTests} failed, ${skipped} skipped`,
    );
  }
  if (!(results.numTotalTests > 0)) complete = false;
  total.passed += results.numPassedTests;
  total.failed += results.numFailedTests;
  total.skipped += skipped;
}
console.log(`tests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped`);
process.exit(complete && total.failed === 0 ? 0 : 1);
