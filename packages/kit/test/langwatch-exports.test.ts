// The kit's exports against those of @langwatch/scenario 0.5.3, name by name. The lists below were
// written from that release's dist/index.d.ts; MISSING holds what we deliberately lack, and the
// docs site's "Differences from @langwatch/scenario" section (apps/docs/guide/migrating-from-langwatch.md)
// must name each of those.

import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as kit from "@scenario/kit";
import scenario, {
  AgentAdapter,
  type AgentInput,
  AgentRole,
  JudgeAgent,
  JudgeAgentAdapter,
  type JudgeResult,
  judgeAgent,
  UserSimulatorAgent,
  UserSimulatorAgentAdapter,
  userSimulatorAgent,
} from "@scenario/kit";
import ts from "typescript";
import { describe, expect, it } from "vitest";

const root = join(import.meta.dirname, "..", "..", "..");
const MIGRATION_PAGE = join(root, "apps", "docs", "guide", "migrating-from-langwatch.md");

/** The values it exports by name (`export { … }`, `default` aside). */
const UPSTREAM_VALUES = [
  "ATTR_SCENARIO_SDK_NAME",
  "ATTR_SCENARIO_SDK_VERSION",
  "AgentAdapter",
  "AgentRole",
  "Base64Technique",
  "CharSplitTechnique",
  "ClaudeCodeAgentAdapter",
  "ClaudeCodeCliError",
  "CodeBlockTechnique",
  "CrescendoStrategy",
  "DEFAULT_GOAT_TECHNIQUES",
  "DEFAULT_MAX_TURNS",
  "DEFAULT_TECHNIQUES",
  "DEFAULT_TOKEN_THRESHOLD",
  "DEFAULT_VERBOSE",
  "GoatStrategy",
  "JudgeAgent",
  "JudgeAgentAdapter",
  "JudgeSpanCollector",
  "JudgeSpanDigestFormatter",
  "LeetspeakTechnique",
  "LostSessionError",
  "ROT13Technique",
  "RealtimeAgentAdapter",
  "SCENARIO_SDK_NAME",
  "SCENARIO_SDK_VERSION",
  "ScenarioExecution",
  "ScenarioExecutionState",
  "StateChangeEventType",
  // Declared by the d.ts; the 0.5.3 bundle itself leaves it out, we export it.
  "UserSimulatorAgent",
  "UserSimulatorAgentAdapter",
  "agent",
  "allAgentRoles",
  "assertSkillWasRead",
  "audio",
  "backgroundNoise",
  "claudeCodeAgent",
  "configure",
  "defineConfig",
  "dtmf",
  "estimateTokens",
  "expandTrace",
  "fail",
  "grepTrace",
  "injectSkill",
  "interrupt",
  "isRealtimeUserAgent",
  "isRedTeamAgent",
  "isVoiceUserSim",
  "judge",
  "judgeAgent",
  "judgeSpanCollector",
  "judgeSpanDigestFormatter",
  "message",
  "parseStreamJson",
  "proceed",
  "redTeamAgent",
  "redTeamCrescendo",
  "redTeamGoat",
  "run",
  "saveRedTeamReport",
  "scenario",
  "scenarioOnly",
  "scenarioProjectConfigSchema",
  "scenarioSdkAttributes",
  "setupScenarioTracing",
  "silence",
  "sleep",
  "succeed",
  "user",
  "userSimulatorAgent",
  "voice",
  "voiceAgent",
  "voiceProceed",
  "withCustomScopes",
];

/** The types it exports by name (`export { type … }`). */
const UPSTREAM_TYPES = [
  "AgentInput",
  "AgentReturnTypes",
  "AttackTechnique",
  "AttackerOutput",
  "AudioResponseEvent",
  "BacktrackEntry",
  "ClaudeCodeAgentAdapterConfig",
  "ClaudeResultEnvelope",
  "ClaudeStreamMessage",
  "CrescendoConfig",
  "FinishTestArgs",
  "GoatConfig",
  "InterruptOptions",
  "InvokeLLMParams",
  "InvokeLLMResult",
  "JudgeAgentConfig",
  "JudgeResult",
  "JudgmentRequest",
  "LangwatchConfig",
  "Logger",
  "RealtimeAgentAdapterConfig",
  "RealtimeUserAgent",
  "RedTeamAgentConfig",
  "RedTeamStrategy",
  "RunOptions",
  "ScenarioConfig",
  "ScenarioConfigFinal",
  "ScenarioConfigureOptions",
  "ScenarioExecutionLike",
  "ScenarioExecutionStateLike",
  "ScenarioProjectConfig",
  "ScenarioResult",
  "ScriptStep",
  "StateChangeEvent",
  "Technique",
  "TestingAgentConfig",
  "UserSimulatorAgentConfig",
  "UserSimulatorAgentWithVoice",
  "UserSimulatorVoiceConfig",
  "VoiceAgentOptions",
  "VoiceProceedOptions",
  "VoiceUserOptions",
  "VoiceUserSimulator",
];

/**
 * The value members of its default export, `scenario` (the d.ts's `ScenarioApi`: its agents,
 * domain, execution, runner and script modules, the voice agent factories and `configure`).
 */
const UPSTREAM_DEFAULT_MEMBERS = [
  // agents
  "Base64Technique",
  "CharSplitTechnique",
  "ClaudeCodeAgentAdapter",
  "ClaudeCodeCliError",
  "CodeBlockTechnique",
  "CrescendoStrategy",
  "DEFAULT_GOAT_TECHNIQUES",
  "DEFAULT_TECHNIQUES",
  "DEFAULT_TOKEN_THRESHOLD",
  "GoatStrategy",
  "JudgeAgent",
  "JudgeSpanCollector",
  "JudgeSpanDigestFormatter",
  "LeetspeakTechnique",
  "LostSessionError",
  "ROT13Technique",
  "RealtimeAgentAdapter",
  "UserSimulatorAgent",
  "assertSkillWasRead",
  "claudeCodeAgent",
  "estimateTokens",
  "expandTrace",
  "grepTrace",
  "injectSkill",
  "judgeAgent",
  "judgeSpanCollector",
  "judgeSpanDigestFormatter",
  "parseStreamJson",
  "redTeamAgent",
  "redTeamCrescendo",
  "redTeamGoat",
  "userSimulatorAgent",
  // domain
  "AgentAdapter",
  "AgentRole",
  "DEFAULT_MAX_TURNS",
  "DEFAULT_VERBOSE",
  "JudgeAgentAdapter",
  "UserSimulatorAgentAdapter",
  "allAgentRoles",
  "defineConfig",
  "isRealtimeUserAgent",
  "isVoiceUserSim",
  "scenarioProjectConfigSchema",
  // execution
  "ScenarioExecution",
  "ScenarioExecutionState",
  "StateChangeEventType",
  // runner
  "run",
  // script
  "agent",
  "audio",
  "backgroundNoise",
  "dtmf",
  "fail",
  "interrupt",
  "judge",
  "message",
  "proceed",
  "silence",
  "sleep",
  "succeed",
  "user",
  "voiceAgent",
  "voiceProceed",
  // voice agent factories
  "pipecatAgent",
  "openAIRealtimeAgent",
  "geminiLiveAgent",
  "elevenLabsAgent",
  "twilioAgent",
  "composableAgent",
  "configure",
];

/** What we deliberately lack, named export and default member alike (the docs page says why). */
const MISSING = [
  // red teaming
  "AttackTechnique",
  "AttackerOutput",
  "BacktrackEntry",
  "Base64Technique",
  "CharSplitTechnique",
  "CodeBlockTechnique",
  "CrescendoConfig",
  "CrescendoStrategy",
  "DEFAULT_GOAT_TECHNIQUES",
  "DEFAULT_TECHNIQUES",
  "GoatConfig",
  "GoatStrategy",
  "LeetspeakTechnique",
  "ROT13Technique",
  "RedTeamAgentConfig",
  "RedTeamStrategy",
  "Technique",
  "isRedTeamAgent",
  "redTeamAgent",
  "redTeamCrescendo",
  "redTeamGoat",
  "saveRedTeamReport",
  // the Claude Code CLI adapter
  "ClaudeCodeAgentAdapter",
  "ClaudeCodeAgentAdapterConfig",
  "ClaudeCodeCliError",
  "ClaudeResultEnvelope",
  "ClaudeStreamMessage",
  "LostSessionError",
  "Logger",
  "assertSkillWasRead",
  "claudeCodeAgent",
  "injectSkill",
  "parseStreamJson",
  // OpenTelemetry tracing
  "ATTR_SCENARIO_SDK_NAME",
  "ATTR_SCENARIO_SDK_VERSION",
  "SCENARIO_SDK_NAME",
  "SCENARIO_SDK_VERSION",
  "scenarioOnly",
  "scenarioSdkAttributes",
  "setupScenarioTracing",
  "withCustomScopes",
  // the judge reading trace spans
  "DEFAULT_TOKEN_THRESHOLD",
  "JudgeSpanCollector",
  "JudgeSpanDigestFormatter",
  "estimateTokens",
  "expandTrace",
  "grepTrace",
  "judgeSpanCollector",
  "judgeSpanDigestFormatter",
  // judge and simulator internals
  "FinishTestArgs",
  "InvokeLLMParams",
  "InvokeLLMResult",
  // configuration and running
  "RunOptions",
  "ScenarioConfigureOptions",
  "configure",
  "scenarioProjectConfigSchema",
  // state events
  "StateChangeEvent",
  "StateChangeEventType",
  // voice steps with other signatures (ours are in @scenario/script)
  "InterruptOptions",
  "VoiceProceedOptions",
  "VoiceUserOptions",
  "audio",
  "backgroundNoise",
  "interrupt",
  "silence",
  "sleep",
  "voiceProceed",
  // voice user simulators and adapters (ours are in @scenario/voice*)
  "AudioResponseEvent",
  "RealtimeAgentAdapter",
  "RealtimeAgentAdapterConfig",
  "RealtimeUserAgent",
  "UserSimulatorAgentWithVoice",
  "UserSimulatorVoiceConfig",
  "VoiceUserSimulator",
  "composableAgent",
  "elevenLabsAgent",
  "geminiLiveAgent",
  "isRealtimeUserAgent",
  "isVoiceUserSim",
  "openAIRealtimeAgent",
  "pipecatAgent",
  "twilioAgent",
  "voice",
];

/** Every name the kit's index.ts exports, types included (it uses explicit named exports only). */
function kitExportNames(): Set<string> {
  const path = join(root, "packages/kit/src/index.ts");
  const source = ts.createSourceFile(path, readFileSync(path, "utf8"), ts.ScriptTarget.Latest);
  const names = new Set<string>();
  for (const statement of source.statements) {
    if (!ts.isExportDeclaration(statement)) continue;
    const clause = statement.exportClause;
    if (clause === undefined || !ts.isNamedExports(clause)) {
      throw new Error("packages/kit/src/index.ts: use explicit named exports (no `export *`).");
    }
    for (const element of clause.elements) names.add(element.name.text);
  }
  return names;
}

/** The "Differences from @langwatch/scenario" section of the docs site's migration page. */
function differencesSection(): string {
  const page = readFileSync(MIGRATION_PAGE, "utf8");
  const start = page.indexOf("## Differences from `@langwatch/scenario`");
  expect(start, `${MIGRATION_PAGE} has a 'Differences from \`@langwatch/scenario\`' section`).toBeGreaterThan(
    -1,
  );
  const end = page.indexOf("\n## ", start + 1);
  return page.slice(start, end === -1 ? undefined : end);
}

const claimed = (names: string[]) => names.filter((name) => !MISSING.includes(name));
const defaultExport = scenario as unknown as Record<string, unknown>;
const namedExports = kit as unknown as Record<string, unknown>;

describe("the exports of @langwatch/scenario 0.5.3", () => {
  it("are listed in full, each once, and MISSING names only them", () => {
    expect(UPSTREAM_VALUES).toHaveLength(75);
    expect(UPSTREAM_TYPES).toHaveLength(43);
    expect(UPSTREAM_DEFAULT_MEMBERS).toHaveLength(69);
    for (const list of [UPSTREAM_VALUES, UPSTREAM_TYPES, UPSTREAM_DEFAULT_MEMBERS, MISSING]) {
      expect(new Set(list).size).toBe(list.length);
    }
    const upstream = new Set([...UPSTREAM_VALUES, ...UPSTREAM_TYPES, ...UPSTREAM_DEFAULT_MEMBERS]);
    expect(MISSING.filter((name) => !upstream.has(name))).toEqual([]);
  });

  it("that we claim are named exports of the kit, values at run time and types in index.ts", () => {
    const exported = kitExportNames();
    for (const name of claimed(UPSTREAM_VALUES)) expect(namedExports[name], name).toBeDefined();
    expect(claimed(UPSTREAM_TYPES).filter((name) => !exported.has(name))).toEqual([]);
  });

  it("that we claim are members of the kit's default export, the same objects as the named ones", () => {
    for (const name of claimed(UPSTREAM_DEFAULT_MEMBERS)) {
      expect(defaultExport[name], name).toBeDefined();
      expect(defaultExport[name], name).toBe(namedExports[name]);
    }
    expect(kit.default).toBe(scenario);
    expect(kit.scenario).toBe(scenario);
  });

  it("that we lack stay absent from the kit, and the docs' differences section names each one", () => {
    const exported = kitExportNames();
    const section = differencesSection();
    for (const name of MISSING) {
      expect(exported.has(name) || name in namedExports, `${name} is exported: take it out of MISSING`).toBe(
        false,
      );
      expect(name in defaultExport, `${name} is on the default export: take it out of MISSING`).toBe(false);
      expect(section, `the differences section names \`${name}\``).toContain(`\`${name}\``);
    }
  });
});

describe("JudgeAgent and UserSimulatorAgent", () => {
  const criteria = ["The agent greets the user"];

  it("are classes that the factories instantiate", () => {
    const built = new JudgeAgent({ criteria, name: "strict judge" });
    expect(built).toBeInstanceOf(JudgeAgent);
    expect(judgeAgent({ criteria })).toBeInstanceOf(JudgeAgent);
    expect(built).toMatchObject({ role: AgentRole.JUDGE, name: "strict judge", criteria });
    expect(new UserSimulatorAgent()).toBeInstanceOf(UserSimulatorAgent);
    expect(userSimulatorAgent({ name: "shopper" })).toBeInstanceOf(UserSimulatorAgent);
    expect(userSimulatorAgent({ name: "shopper" })).toMatchObject({ role: AgentRole.USER, name: "shopper" });
    expect(() => new JudgeAgent({ criteria: [] })).toThrow(/non-empty array of criteria/);
  });

  it("are instances of the adapter base classes they extend in @langwatch/scenario", () => {
    const judgeInstance = judgeAgent({ criteria });
    const simulatorInstance = userSimulatorAgent();
    expect(judgeInstance).toBeInstanceOf(JudgeAgentAdapter);
    expect(judgeInstance).toBeInstanceOf(AgentAdapter);
    expect(judgeInstance).not.toBeInstanceOf(UserSimulatorAgentAdapter);
    expect(simulatorInstance).toBeInstanceOf(UserSimulatorAgentAdapter);
    expect(simulatorInstance).toBeInstanceOf(AgentAdapter);
    expect(simulatorInstance).not.toBeInstanceOf(JudgeAgentAdapter);
    expect({ role: AgentRole.AGENT, call: () => "hi" }).not.toBeInstanceOf(AgentAdapter);
  });

  it("keep ordinary instanceof for the user's own subclasses", () => {
    class KeywordJudge extends JudgeAgentAdapter {
      criteria = criteria;
      async call(): Promise<JudgeResult | null> {
        return null;
      }
    }
    class EchoAgent extends AgentAdapter {
      role = AgentRole.AGENT;
      async call(input: AgentInput) {
        return String(input.messages.at(-1)?.content ?? "");
      }
    }
    expect(new KeywordJudge()).toBeInstanceOf(JudgeAgentAdapter);
    expect(new KeywordJudge()).toBeInstanceOf(AgentAdapter);
    expect(new KeywordJudge()).not.toBeInstanceOf(UserSimulatorAgentAdapter);
    expect(new EchoAgent()).toBeInstanceOf(AgentAdapter);
    expect(new EchoAgent()).not.toBeInstanceOf(JudgeAgentAdapter);
    expect(judgeAgent({ criteria })).not.toBeInstanceOf(KeywordJudge);
    expect(new EchoAgent()).not.toBeInstanceOf(KeywordJudge);
  });
});
