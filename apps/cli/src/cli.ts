#!/usr/bin/env node
import { main } from "./main";

// Exit explicitly: servers and sockets opened by scenario files must not keep the process alive.
main(process.argv).then(
  (exitCode) => process.exit(exitCode),
  (error: unknown) => {
    process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);
