// The files `scenario init --adapter <name>` writes: a package that builds, passes the conformance
// suite and publishes on its own, with nothing of this workspace in it. An adapter depends on
// @scenario/spec alone (the framework is a peer), so it works with any core speaking that spec.

/** What the adapter package's files are made from. */
export interface AdapterTemplateContext {
  /** The npm name: `scenario-adapter-foo` or `@acme/scenario-adapter-foo`. */
  packageName: string;
  /** The factory the package exports: `fooAgent`. */
  factoryName: string;
  /** The adapter's display name, checked by the conformance suite: `FooAgent`. */
  adapterName: string;
  /** The semver range of `@scenario/spec` (and of the testkit released with it): `^0.1.0`. */
  specRange: string;
  /** The agent framework, a peer dependency, when `--framework` names one. */
  framework?: { name: string; range: string };
}

/** Versions of the build and test tools the scaffold starts with: the ones this repository uses. */
const TOOL_RANGES = {
  "@changesets/cli": "^2.31.1",
  "@types/node": "^20.19.0",
  tsup: "^8.5.1",
  // tsup's declaration build needs the TypeScript compiler API, which TypeScript 7 no longer has.
  typescript: "^6.0.2",
  vitest: "^4.1.12",
};

/** The package's files, by path relative to its folder. */
export function adapterTemplateFiles(context: AdapterTemplateContext): Record<string, string> {
  return {
    "package.json": packageJson(context),
    "tsconfig.json": TSCONFIG,
    "tsup.config.ts": TSUP_CONFIG,
    "src/index.ts": adapterSource(context),
    "test/conformance.test.ts": conformanceTest(context),
    "README.md": readme(context),
    ".changeset/config.json": CHANGESET_CONFIG,
    ".changeset/README.md": CHANGESET_README,
    ".gitignore": "node_modules\ndist\n*.tgz\n",
  };
}

function packageJson(context: AdapterTemplateContext): string {
  const { framework } = context;
  const manifest = {
    name: context.packageName,
    version: "0.0.0",
    description: `Scenario adapter: runs ${framework ? `${framework.name} agents` : "your agents"} as the agent under test in Scenario simulations.`,
    keywords: ["scenario", "scenario-adapter", "ai-agents", "agent-testing"],
    license: "MIT",
    type: "module",
    main: "./dist/index.cjs",
    module: "./dist/index.js",
    types: "./dist/index.d.ts",
    exports: {
      ".": {
        import: { types: "./dist/index.d.ts", default: "./dist/index.js" },
        require: { types: "./dist/index.d.cts", default: "./dist/index.cjs" },
      },
      "./package.json": "./package.json",
    },
    files: ["dist", "src"],
    sideEffects: false,
    engines: { node: ">=20.19" },
    scripts: {
      build: "tsup",
      // npm runs `prepare` after `npm install` and before `npm pack`/`npm publish`: a fresh clone
      // and every release are built without a step to forget.
      prepare: "tsup",
      // verbose: every conformance check is listed, the skipped ones with the option that enables them.
      test: "vitest run --reporter=verbose",
      typecheck: "tsc -p tsconfig.json",
      changeset: "changeset",
      release: "changeset publish",
    },
    dependencies: { "@scenario/spec": context.specRange },
    ...(framework ? { peerDependencies: { [framework.name]: framework.range } } : {}),
    devDependencies: sortKeys({
      ...TOOL_RANGES,
      "@scenario/adapter-testkit": context.specRange,
      ...(framework ? { [framework.name]: framework.range } : {}),
    }),
    ...(context.packageName.startsWith("@") ? { publishConfig: { access: "public" } } : {}),
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function sortKeys(record: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => a.localeCompare(b)));
}

const TSCONFIG = `${JSON.stringify(
  {
    compilerOptions: {
      target: "ES2022",
      lib: ["ES2023"],
      module: "ESNext",
      moduleResolution: "Bundler",
      types: ["node"],
      strict: true,
      noUncheckedIndexedAccess: true,
      isolatedModules: true,
      verbatimModuleSyntax: true,
      skipLibCheck: true,
      noEmit: true,
    },
    include: ["src", "test", "*.ts"],
  },
  null,
  2,
)}\n`;

const TSUP_CONFIG = `import { defineConfig } from "tsup";

// ESM and CommonJS with type declarations for both, so the adapter loads through \`import\` and
// \`require\` alike (the "exports" of package.json point at these files).
export default defineConfig({
  entry: ["src/index.ts"],
  format: ["esm", "cjs"],
  target: "node20",
  platform: "node",
  sourcemap: true,
  clean: true,
  // tsup sets baseUrl for the declaration build, which TypeScript 6 flags as deprecated.
  dts: { compilerOptions: { ignoreDeprecations: "6.0" } },
});
`;

function adapterSource(context: AdapterTemplateContext): string {
  const { factoryName, adapterName } = context;
  const framework = context.framework?.name ?? "your framework";
  return `import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  AgentCallError,
  type AgentInput,
  AgentRole,
  type ModelMessage,
} from "@scenario/spec";

/**
 * The part of the agent this adapter calls.
 * TODO: replace it with ${framework}'s own agent type (import it as a type from the peer).
 */
export interface ${adapterName}Like {
  /** Answers the conversation so far with the agent's reply. */
  run(messages: ModelMessage[], options: { signal?: AbortSignal }): Promise<string>;
}

/** Options of \`${factoryName}()\`. */
export interface ${adapterName}Options {
  /**
   * The agent under test.
   * TODO: make it required once the adapter calls ${framework}.
   * @default a stand-in that echoes the last message
   */
  agent?: ${adapterName}Like;
  /** The adapter's name in errors and reports. @default "${adapterName}" */
  name?: string;
}

// A stand-in that echoes the last message, so the package passes its tests before it is wired up.
const placeholderEcho: ${adapterName}Like = {
  async run(messages) {
    return \`You said: \${textOf(messages.at(-1))}\`;
  },
};

/**
 * Wraps an agent as the agent under test of a Scenario simulation.
 *
 * @example
 * const scenarioAgent = ${factoryName}({ agent: myAgent });
 */
export function ${factoryName}(options: ${adapterName}Options = {}): AgentAdapter {
  const agent = options.agent ?? placeholderEcho;
  const name = options.name ?? "${adapterName}";
  return {
    specificationVersion: AGENT_SPECIFICATION_VERSION,
    role: AgentRole.AGENT,
    name,
    async call(input: AgentInput) {
      try {
        // TODO: call ${framework} here. Hand it the whole conversation (input.messages), or, when
        // it keeps its own history per input.threadId, only what is new (input.newMessages).
        // Pass input.signal on, so a cancelled run stops the call.
        const reply = await agent.run(input.messages, { signal: input.signal });
        // TODO: report the tokens each model call used, e.g.
        // input.recordUsage({ inputTokens, outputTokens }), and set \`reportsUsage: true\` in
        // test/conformance.test.ts. Tool calls go back as assistant and tool messages.
        return { role: "assistant", content: reply };
      } catch (error) {
        // The executor reports this error with the adapter's name. Keep credentials out of it.
        throw new AgentCallError(name, \`the agent failed: \${(error as Error)?.message ?? String(error)}\`, {
          cause: error,
        });
      }
    },
  };
}

/** The text of a message: its string content, or its text parts joined. */
function textOf(message: ModelMessage | undefined): string {
  if (!message) return "";
  if (typeof message.content === "string") return message.content;
  let text = "";
  for (const part of message.content) if (part.type === "text") text += part.text;
  return text;
}
`;
}

function conformanceTest(context: AdapterTemplateContext): string {
  const { factoryName, adapterName, packageName } = context;
  return `import { describeAdapterConformance } from "@scenario/adapter-testkit";
import type { ModelMessage } from "@scenario/spec";
import { ${factoryName} } from "../src/index";

// The checks every Scenario adapter must pass (see @scenario/adapter-testkit). Each check creates
// a fresh adapter; the ones an option enables are listed as skipped until it is given.

/** What the agent received, so the suite can prove that every new message reached it. */
const received: ModelMessage[][] = [];

describeAdapterConformance(
  () =>
    ${factoryName}({
      // TODO: a real agent of your framework, whose model is a local fake server.
      agent: {
        async run(messages) {
          received.push(messages);
          const last = messages.at(-1);
          return \`You said: \${typeof last?.content === "string" ? last.content : ""}\`;
        },
      },
    }),
  {
    title: "${packageName} conformance",
    name: "${adapterName}",
    received: () => JSON.stringify(received),
    // An agent whose call fails: the failure must surface as an AgentCallError naming the adapter.
    failing: () =>
      ${factoryName}({
        agent: {
          async run() {
            throw new Error("the model server answered 500");
          },
        },
      }),
    // TODO: reportsUsage: true once call() records token usage; returnShapes for each way your
    // framework answers (text, tool calls); secrets: [apiKey]; run from @scenario/core to also
    // drive a one-turn scenario through the executor.
  },
);
`;
}

function readme(context: AdapterTemplateContext): string {
  const { packageName, factoryName, framework } = context;
  const peer = framework
    ? `It needs \`${framework.name}\`, a peer dependency: your own copy is used.`
    : "TODO: add your agent framework as a peer dependency (`peerDependencies`), never as a dependency.";
  return `# ${packageName}

Runs ${framework ? `${framework.name} agents` : "your agents"} as the agent under test in
[Scenario](https://www.npmjs.com/package/@scenario/kit) simulations.

\`\`\`sh
npm install -D ${packageName}
\`\`\`

\`\`\`ts
import { ${factoryName} } from "${packageName}";

const agentUnderTest = ${factoryName}({ agent: myAgent });
// pass it in a scenario's agents: [agentUnderTest, userSimulatorAgent(), judgeAgent({ criteria })]
\`\`\`

${peer}

The adapter depends on \`@scenario/spec\` alone, so it works with every Scenario release that
speaks the same spec version.

## Developing

\`\`\`sh
npm install          # also builds dist/ (the prepare script)
npm test             # the adapter conformance suite of @scenario/adapter-testkit
npm run typecheck
\`\`\`

\`src/index.ts\` holds the adapter; its TODO comments show where the framework's call goes.
\`test/conformance.test.ts\` runs every check of the conformance suite; give it the options its
skipped checks name (\`reportsUsage\`, \`returnShapes\`, \`secrets\`, \`run\`) as the adapter grows.

## Releasing

\`\`\`sh
npm run changeset    # describe the change and its semver bump
npx changeset version
npm run release      # builds (prepare) and publishes the new version
\`\`\`
`;
}

const CHANGESET_CONFIG = `${JSON.stringify(
  {
    $schema: "https://unpkg.com/@changesets/config@3.1.1/schema.json",
    changelog: "@changesets/cli/changelog",
    commit: false,
    fixed: [],
    linked: [],
    access: "public",
    baseBranch: "main",
    updateInternalDependencies: "patch",
    ignore: [],
  },
  null,
  2,
)}\n`;

const CHANGESET_README = `# Changesets

\`npm run changeset\` adds a file here that describes a change and its semver bump;
\`npx changeset version\` applies them to package.json and CHANGELOG.md, and \`npm run release\`
publishes. See https://github.com/changesets/changesets.
`;
