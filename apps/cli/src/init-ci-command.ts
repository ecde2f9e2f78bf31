import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { ConfigurationError } from "@scenario/spec";
import type { CliIO } from "./cli-io";
import {
  GITHUB_WORKFLOW_PATH,
  githubWorkflowTemplate,
  type WorkflowPackageManager,
} from "./github-workflow-template";

/** The CI providers `scenario init --ci` writes a workflow for. */
export const CI_PROVIDERS = ["github"] as const;

/** The shard count when `--shards` is not given. */
export const DEFAULT_CI_SHARDS = 3;

/** The flags of `scenario init --ci <provider>`. */
export interface InitCiOptions {
  /** The CI provider: `github` (GitHub Actions). */
  provider: string;
  /** Parallel jobs the suite is split across. @default 3 */
  shards?: number;
  /** Overwrite an existing workflow file. */
  force?: boolean;
}

/**
 * `scenario init --ci github`: writes `.github/workflows/scenarios.yml`, a workflow that runs the
 * suite in shards and merges their reports. Throws a `ConfigurationError` for an unknown provider,
 * or when the file exists and `force` is not set (a workflow someone edited is not replaced
 * silently). Returns 0.
 */
export async function initCiCommand(options: InitCiOptions, io: CliIO): Promise<number> {
  if (!(CI_PROVIDERS as readonly string[]).includes(options.provider)) {
    throw new ConfigurationError(
      `Unknown CI provider "${options.provider}" for --ci. Use one of: ${CI_PROVIDERS.join(", ")}.`,
    );
  }
  const path = resolve(io.cwd, GITHUB_WORKFLOW_PATH);
  const shown = relative(io.cwd, path);
  if (existsSync(path) && !options.force) {
    throw new ConfigurationError(
      `${shown} already exists. Remove it, or pass --force to replace it with the generated workflow.`,
    );
  }
  const shards = options.shards ?? DEFAULT_CI_SHARDS;
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, githubWorkflowTemplate({ shards, packageManager: packageManager(io.cwd) }));
  io.stdout.write(`  created  ${shown} (${shards} shards, then merge-reports)\n`);
  io.stdout.write(
    "\nNext: add OPENAI_API_KEY as a repository secret (a suite that replays recorded calls needs none), then push.\n",
  );
  return 0;
}

/** pnpm when the project has its lockfile; npm otherwise (`npm ci` needs a package-lock.json). */
function packageManager(cwd: string): WorkflowPackageManager {
  return existsSync(join(cwd, "pnpm-lock.yaml")) ? "pnpm" : "npm";
}
