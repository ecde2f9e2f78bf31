import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join, relative } from "node:path";
import { pathToFileURL } from "node:url";
import { beforeAll, describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..");
const PACKAGES = ["spec", "core", "script", "llm"] as const;
type PackageName = (typeof PACKAGES)[number];

/** The ESM and CJS entry points of a built package. */
function builds(name: PackageName): { esm: string; cjs: string } {
  const dist = join(root, "packages", name, "dist");
  return { esm: pathToFileURL(join(dist, "index.js")).href, cjs: join(dist, "index.cjs") };
}

/**
 * What one plain Node process sees when it loads the ESM build (import) and the CJS build
 * (require) of spec, core, script and llm side by side, as a CJS config file and an ESM test file
 * do. It prints its observations as one JSON line; the assertions stay in this file.
 */
const CHILD = `
import { createRequire } from "node:module";
const paths = ${JSON.stringify(Object.fromEntries(PACKAGES.map((name) => [name, builds(name)])))};
const require = createRequire(paths.core.cjs);
const esm = {}, cjs = {};
for (const [name, { esm: url, cjs: file }] of Object.entries(paths)) {
  esm[name] = await import(url);
  cjs[name] = require(file);
}

const echo = (spec) => ({
  role: spec.AgentRole.AGENT,
  name: "Echo",
  call: (input) => "echo: " + input.messages.at(-1).content,
});
const scenario = (spec, script, name) => ({
  name,
  description: "One scripted exchange, no model.",
  agents: [echo(spec)],
  script: [script.user("hello"), script.agent(), script.succeed("echoed")],
});
const collect = (events$) => {
  const seen = [];
  const subscription = events$.subscribe((event) => seen.push(event));
  return { seen, stop: () => subscription.unsubscribe() };
};
const summary = (events) =>
  events.map((event) => ({
    type: event.type,
    batchRunId: event.batchRunId,
    status: event.status,
    lastMessage: event.messages?.at(-1)?.content,
  }));

// An ESM subscriber, a run through the CJS build (and the other way round).
const esmSide = collect(esm.core.scenarioEvents$);
const cjsResult = await cjs.core.run(scenario(cjs.spec, cjs.script, "started through CJS"));
esmSide.stop();
const cjsSide = collect(cjs.core.scenarioEvents$);
const esmResult = await esm.core.run(scenario(esm.spec, esm.script, "started through ESM"));
cjsSide.stop();

// Errors thrown by one build, checked by the other.
const cjsThrown = await cjs.core.run({ name: "" }).catch((error) => error);
let esmThrown;
try {
  esm.llm.configureScenarioLLM({ cacheMode: "sometimes" });
} catch (error) {
  esmThrown = error;
}
const recognition = (thrown, by) => ({
  name: thrown?.name,
  code: thrown?.code,
  instanceofOtherBuild: thrown instanceof by.ScenarioError,
  scenarioError: by.ScenarioError.isInstance(thrown),
  isScenarioError: by.isScenarioError(thrown),
  configurationError: by.ConfigurationError.isInstance(thrown),
  scriptError: by.ScriptError.isInstance(thrown),
  judgeError: by.JudgeError.isInstance(thrown),
});

// The LLM configuration, set through one build and read through the other.
cjs.llm.configureScenarioLLM({ cacheMode: "replay" });
const cacheModeSeenByEsm = esm.llm.getScenarioLLMConfig().cacheMode;
esm.llm.configureScenarioLLM({ cacheDir: "/tmp/dual-build-cache" });
const cacheDirSeenByCjs = cjs.llm.getScenarioLLMConfig().cacheDir;

console.log(JSON.stringify({
  distinctCopies: {
    run: esm.core.run !== cjs.core.run,
    scenarioError: esm.spec.ScenarioError !== cjs.spec.ScenarioError,
    configure: esm.llm.configureScenarioLLM !== cjs.llm.configureScenarioLLM,
  },
  cjsRun: { status: cjsResult.status, seenByEsm: summary(esmSide.seen) },
  esmRun: { status: esmResult.status, seenByCjs: summary(cjsSide.seen) },
  batchRunIds: { esm: esm.core.getBatchRunId(), cjs: cjs.core.getBatchRunId() },
  cjsThrownSeenByEsm: recognition(cjsThrown, esm.spec),
  esmThrownSeenByCjs: recognition(esmThrown, cjs.spec),
  cacheModeSeenByEsm,
  cacheDirSeenByCjs,
}));
`;

interface Observations {
  distinctCopies: Record<string, boolean>;
  cjsRun: { status: string; seenByEsm: EventSummary[] };
  esmRun: { status: string; seenByCjs: EventSummary[] };
  batchRunIds: { esm: string; cjs: string };
  cjsThrownSeenByEsm: Record<string, unknown>;
  esmThrownSeenByCjs: Record<string, unknown>;
  cacheModeSeenByEsm: unknown;
  cacheDirSeenByCjs: unknown;
}
interface EventSummary {
  type: string;
  batchRunId: string;
  status?: string;
  lastMessage?: string;
}

function observe(): Observations {
  for (const name of PACKAGES) {
    for (const file of [join(root, "packages", name, "dist", "index.js"), builds(name).cjs]) {
      if (!existsSync(file)) {
        throw new Error(
          `${relative(root, file)} is missing: build first (node tooling/pnpm.mjs build; npm test builds before running vitest).`,
        );
      }
    }
  }
  const env: NodeJS.ProcessEnv = { ...process.env, NODE_OPTIONS: "" };
  // With the variable set, both builds would read the same id from it and prove nothing.
  delete env.SCENARIO_BATCH_RUN_ID;
  delete env.SCENARIO_CACHE_MODE;
  const output = execFileSync(process.execPath, ["--input-type=module", "-e", CHILD], {
    cwd: root,
    encoding: "utf8",
    env,
  });
  return JSON.parse(output.trim().split("\n").at(-1) as string) as Observations;
}

describe("the ESM and the CJS build in one process share one world", () => {
  let observed: Observations;
  beforeAll(() => {
    observed = observe();
  });

  it("really loads two copies of each package", () => {
    expect(observed.distinctCopies).toEqual({ run: true, scenarioError: true, configure: true });
  });

  it("an ESM subscriber to scenarioEvents$ sees a run started through the CJS build, and back", () => {
    const expected = (batchRunId: string) => [
      { type: "SCENARIO_RUN_STARTED", batchRunId },
      { type: "SCENARIO_MESSAGE_SNAPSHOT", batchRunId, lastMessage: "hello" },
      { type: "SCENARIO_MESSAGE_SNAPSHOT", batchRunId, lastMessage: "echo: hello" },
      { type: "SCENARIO_MESSAGE_SNAPSHOT", batchRunId, lastMessage: "echo: hello" },
      { type: "SCENARIO_RUN_FINISHED", batchRunId, status: "SUCCESS" },
    ];
    expect(observed.cjsRun.status).toBe("SUCCESS");
    expect(observed.cjsRun.seenByEsm).toEqual(expected(observed.batchRunIds.esm));
    expect(observed.esmRun.status).toBe("SUCCESS");
    expect(observed.esmRun.seenByCjs).toEqual(expected(observed.batchRunIds.cjs));
  });

  it("both builds report one batch run id", () => {
    expect(observed.batchRunIds.esm).toMatch(/^batch-run-/);
    expect(observed.batchRunIds.cjs).toBe(observed.batchRunIds.esm);
  });

  it("a Scenario error thrown by one build is recognised, by its own class only, by the other", () => {
    const recognised = {
      name: "ConfigurationError",
      code: "CONFIG_INVALID",
      instanceofOtherBuild: false,
      scenarioError: true,
      isScenarioError: true,
      configurationError: true,
      scriptError: false,
      judgeError: false,
    };
    expect(observed.cjsThrownSeenByEsm).toEqual(recognised);
    expect(observed.esmThrownSeenByCjs).toEqual(recognised);
  });

  it("the LLM configuration set through one build is seen by the other", () => {
    expect(observed.cacheModeSeenByEsm).toBe("replay");
    expect(observed.cacheDirSeenByCjs).toBe("/tmp/dual-build-cache");
  });
});
