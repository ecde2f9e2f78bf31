import { defineConfig } from "@scenario/kit";

// The JSONL report is the ledger of every event emitted (it writes each line synchronously); the
// HTTP reporter's spool goes where the test says, so runs never write into the repository.
export default defineConfig({
  concurrency: 4,
  reporters: ["jsonl", ["http", { spoolDir: process.env.COLLECTOR_SPOOL_DIR ?? ".scenario/spool" }]],
});
