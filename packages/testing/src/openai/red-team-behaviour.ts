import { ConfigurationError } from "@scenario/spec";
import type { FakeModelRequest, FakeReply, FakeReplyFunction } from "./fake-openai-types";
import { type ScenarioBehaviourOptions, scenarioBehaviour } from "./scenario-behaviour";

// The tool names and prompt layout of @scenario/red-team's attacker and scorer. Written out rather
// than imported: the text fakes depend on spec only.
const SEND_ATTACK = "send_attack";
const PROPOSE_ATTACKS = "propose_attacks";
const SCORE_REPLY = "score_reply";
const RATE_CANDIDATES = "rate_candidates";

/** One attack message the fake attacker writes. */
export interface FakeAttack {
  /** The message. */
  message: string;
  /** The technique it claims (GOAT requires one of the catalogue's ids). @default the first the tool allows */
  technique?: string;
  /** Its reasoning. @default "" */
  thought?: string;
}

/** What the fake attacker's policy sees. */
export interface FakeAttackerContext {
  /** `"send_attack"` (Crescendo, GOAT) or `"propose_attacks"` (TAP). */
  tool: string;
  /** 1-based count of the attacker's requests so far, this one included. */
  call: number;
  /** The attacker's prompt: the conversation, the last score, rolled-back attempts. */
  prompt: string;
  /** The attacker's instructions (strategy, phase, technique catalogue). */
  system: string;
  /** The whole request. */
  request: FakeModelRequest;
}

/** What the fake scorer's policy sees. */
export interface FakeScorerContext {
  /** The attack goal. */
  goal: string;
  /** The attack message, before encoding. */
  attack: string;
  /** The agent's reply. */
  reply: string;
  /** The whole request. */
  request: FakeModelRequest;
}

/** The fake scorer's rating of a reply. */
export interface FakeScore {
  /** 0–10. */
  score: number;
  /** @default "scored by the fake scorer" */
  reason?: string;
  /** A hard refusal. @default false */
  refused?: boolean;
}

/** Options of `redTeamBehaviour()`. */
export interface RedTeamBehaviourOptions {
  /** Writes the attacks: one per `send_attack`, a list per `propose_attacks` (TAP). */
  attacker: (context: FakeAttackerContext) => string | FakeAttack | Array<string | FakeAttack>;
  /** Rates each reply. */
  scorer: (context: FakeScorerContext) => FakeScore;
  /** TAP's pruning: whether a candidate is on the goal. @default every candidate is */
  onGoal?: (candidate: string) => boolean;
}

function lastUserText(request: FakeModelRequest): string {
  const user = request.messages.filter((message) => message.role === "user").at(-1);
  return user?.content ?? "";
}

function systemText(request: FakeModelRequest): string {
  return request.messages
    .filter((message) => message.role === "system")
    .map((message) => message.content)
    .join("\n");
}

function section(prompt: string, label: string, next?: string): string {
  const start = prompt.indexOf(`${label}\n`);
  if (start < 0) return "";
  const from = start + label.length + 1;
  const end = next === undefined ? -1 : prompt.indexOf(`\n\n${next}`, from);
  return prompt.slice(from, end < 0 ? undefined : end);
}

function forcedTool(request: FakeModelRequest): string {
  const choice = request.toolChoice;
  if (typeof choice === "object") return choice.toolName;
  const only = request.tools.length === 1 ? request.tools[0]?.name : undefined;
  if (only !== undefined) return only;
  throw new ConfigurationError(
    `redTeamBehaviour: the request forces no tool (tools: ${JSON.stringify(request.tools.map((tool) => tool.name))}). Route only red-team requests to it.`,
  );
}

function allowedTechnique(request: FakeModelRequest): string | undefined {
  const technique = (
    request.tools[0]?.parameters.properties as Record<string, { enum?: unknown[] }> | undefined
  )?.technique;
  const first = technique?.enum?.[0];
  return typeof first === "string" ? first : undefined;
}

function asAttack(value: string | FakeAttack): FakeAttack {
  return typeof value === "string" ? { message: value } : value;
}

/**
 * A ready-made attacker and scorer for `@scenario/red-team` on the fake server, driven by test
 * policies: `attacker` writes each attack (a list for TAP's candidates), `scorer` rates each reply,
 * `onGoal` prunes TAP's candidates. Route `X-Scenario-Role: red-team-attacker` requests to
 * `.attacker` and `red-team-scorer` to `.scorer`, or use `redTeamScenarioBehaviour()`, which does.
 */
export function redTeamBehaviour(options: RedTeamBehaviourOptions): {
  attacker: FakeReplyFunction;
  scorer: FakeReplyFunction;
} {
  let calls = 0;
  const attacker: FakeReplyFunction = (request) => {
    const tool = forcedTool(request);
    calls += 1;
    const produced = options.attacker({
      tool,
      call: calls,
      prompt: lastUserText(request),
      system: systemText(request),
      request,
    });
    const attacks = (Array.isArray(produced) ? produced : [produced]).map(asAttack);
    if (tool === PROPOSE_ATTACKS) {
      return { toolCalls: [{ name: tool, arguments: { candidates: attacks } }] };
    }
    if (tool !== SEND_ATTACK) {
      throw new ConfigurationError(
        `redTeamBehaviour: the attacker was asked for an unknown tool ${JSON.stringify(tool)}.`,
      );
    }
    const attack = attacks[0] as FakeAttack;
    const technique = attack.technique ?? allowedTechnique(request);
    return {
      toolCalls: [
        {
          name: tool,
          arguments: {
            observation: "",
            thought: attack.thought ?? "",
            ...(technique ? { technique } : {}),
            message: attack.message,
          },
        },
      ],
    };
  };
  const scorer: FakeReplyFunction = (request): FakeReply => {
    const tool = forcedTool(request);
    const prompt = lastUserText(request);
    const goal = /^Attack goal: (.*)$/m.exec(prompt)?.[1] ?? "";
    if (tool === RATE_CANDIDATES) {
      const listed = section(prompt, "Candidate attack messages:", "For each candidate");
      const ratings = listed
        .split("\n")
        .map((line) => /^\[(\d+)\] ([\s\S]*)$/.exec(line))
        .filter((match): match is RegExpExecArray => match !== null)
        .map((match) => ({ index: Number(match[1]), onGoal: options.onGoal?.(match[2] as string) ?? true }));
      return { toolCalls: [{ name: tool, arguments: { ratings } }] };
    }
    if (tool !== SCORE_REPLY) {
      throw new ConfigurationError(
        `redTeamBehaviour: the scorer was asked for an unknown tool ${JSON.stringify(tool)}.`,
      );
    }
    const score = options.scorer({
      goal,
      attack: section(prompt, "Attack message:", "Agent reply:"),
      reply: section(prompt, "Agent reply:"),
      request,
    });
    return {
      toolCalls: [
        {
          name: tool,
          arguments: {
            score: score.score,
            reason: score.reason ?? "scored by the fake scorer",
            refused: score.refused ?? false,
          },
        },
      ],
    };
  };
  return { attacker, scorer };
}

/**
 * `scenarioBehaviour()` plus the red team: `red-team-attacker` and `red-team-scorer` requests go to
 * `redTeamBehaviour(redTeam)`, the others to the agent, user simulator and judge behaviours.
 */
export function redTeamScenarioBehaviour(
  options: ScenarioBehaviourOptions & { redTeam: RedTeamBehaviourOptions },
): FakeReplyFunction {
  const { redTeam, ...participants } = options;
  const fakes = redTeamBehaviour(redTeam);
  const others = scenarioBehaviour(participants);
  return (request) => {
    if (request.role === "red-team-attacker") return fakes.attacker(request);
    if (request.role === "red-team-scorer") return fakes.scorer(request);
    return others(request);
  };
}
