// The GitHub Actions workflow `scenario init --ci github` writes. The commands in it are the CLI's
// own (`run --shard`, `merge-reports`); apps/cli/test/init-ci.test.ts runs them on a fixture
// project the way the workflow would, so a renamed flag breaks that test, not users' CI.

/** The package manager whose commands the workflow uses, from the project's lockfile. */
export type WorkflowPackageManager = "npm" | "pnpm";

/** What shapes the generated workflow. */
export interface GithubWorkflowOptions {
  /** How many jobs share the suite: each runs `scenario run --shard <i>/<shards>`. */
  shards: number;
  /** The install command's package manager. */
  packageManager: WorkflowPackageManager;
}

/** The folder each job writes its reports to, and the merged reports' folder. */
export const WORKFLOW_REPORTS_DIR = "scenario-reports";

/** The workflow file `scenario init --ci github` writes, relative to the project. */
export const GITHUB_WORKFLOW_PATH = ".github/workflows/scenarios.yml";

function setupSteps(packageManager: WorkflowPackageManager): string {
  const pnpm =
    packageManager === "pnpm"
      ? "      # Reads the pnpm version from package.json's packageManager field.\n      - uses: pnpm/action-setup@v4\n"
      : "";
  const install = packageManager === "pnpm" ? "pnpm install --frozen-lockfile" : "npm ci";
  return `      - uses: actions/checkout@v4
${pnpm}      - uses: actions/setup-node@v4
        with:
          node-version: 22
          cache: ${packageManager}
      - run: ${install}
`;
}

/**
 * The sharded workflow: a matrix of `shards` jobs, each running its share of the suite with the
 * jsonl reporter and uploading its report folder; then one job that downloads them all, merges
 * them with `scenario merge-reports` into one console summary, JUnit file and HTML report, and
 * uploads those. The merge runs even when a shard failed, so the failure is in the report.
 */
export function githubWorkflowTemplate(options: GithubWorkflowOptions): string {
  const { shards, packageManager } = options;
  const shardList = Array.from({ length: shards }, (_, index) => index + 1).join(", ");
  return `# Runs the scenarios in ${shards} parallel shards, then merges their reports into one.
# Written by \`scenario init --ci github\`; edit freely. Change the shard count in both places
# below (the matrix and --shard). Add your model key as a repository secret (Settings > Secrets).
# To replay recorded model calls instead of calling the model, add --cache replay to the run
# command and commit the cache folder (see the "CI and release" guide of the Scenario docs).
name: Scenarios

on:
  pull_request:
  push:
    branches: [main]
  workflow_dispatch:

permissions:
  contents: read

jobs:
  scenarios:
    name: Scenarios (shard \${{ matrix.shard }}/${shards})
    runs-on: ubuntu-latest
    strategy:
      fail-fast: false
      matrix:
        shard: [${shardList}]
    steps:
${setupSteps(packageManager)}      - name: Run shard \${{ matrix.shard }} of ${shards}
        run: npx scenario run --shard \${{ matrix.shard }}/${shards} --reporter console --reporter jsonl --output-dir ${WORKFLOW_REPORTS_DIR}
        env:
          OPENAI_API_KEY: \${{ secrets.OPENAI_API_KEY }}
          # One batch id for every shard of this workflow run, so they group together in LangWatch.
          SCENARIO_BATCH_RUN_ID: \${{ github.run_id }}-\${{ github.run_attempt }}
      - name: Upload the shard's events
        if: \${{ !cancelled() }}
        uses: actions/upload-artifact@v4
        with:
          name: scenario-reports-shard-\${{ matrix.shard }}
          path: ${WORKFLOW_REPORTS_DIR}
          if-no-files-found: error
          retention-days: 7

  merge-reports:
    name: Merge the reports
    needs: scenarios
    if: \${{ !cancelled() }}
    runs-on: ubuntu-latest
    steps:
${setupSteps(packageManager)}      - name: Download every shard's events
        uses: actions/download-artifact@v4
        with:
          pattern: scenario-reports-shard-*
          path: shards
      - name: Merge into one summary, JUnit file and HTML report
        run: npx scenario merge-reports shards/* --reporter console --reporter junit --reporter html --output-dir ${WORKFLOW_REPORTS_DIR}
      - name: Upload the merged reports
        if: \${{ !cancelled() }}
        uses: actions/upload-artifact@v4
        with:
          name: scenario-reports
          path: ${WORKFLOW_REPORTS_DIR}
          retention-days: 30
`;
}
