#!/usr/bin/env node
// The `scenario` command. A committed launcher (not dist/cli.js itself) so package managers can link
// the bin before the first build; it loads the built CLI.
import { existsSync } from "node:fs";

const entry = new URL("../dist/cli.js", import.meta.url);
if (!existsSync(entry)) {
  process.stderr.write(
    "The scenario CLI is not built yet (dist/cli.js is missing). Build it first: `pnpm build` (or `npm run build`) at the repository root.\n",
  );
  process.exit(2);
}
await import(entry.href);
