import {
  type AgentAdapter,
  type AgentInput,
  type AgentReturn,
  AgentRole,
  type JudgeResult,
  type ModelMessage,
} from "@scenario/spec";

/** What a fake agent saw on one call, copied at call time. */
export interface RecordedCall {
  turn: number;
  requestedRole: AgentRole;
  messages: ModelMessage[];
  newMessages: ModelMessage[];
  judgmentRequest: AgentInput["judgmentRequest"];
  input: AgentInput;
}

/** A scripted fake adapter that records its calls. */
export interface FakeAgent extends AgentAdapter {
  calls: RecordedCall[];
}

type Reply = AgentReturn | ((input: AgentInput, callIndex: number) => unknown);

export interface FakeAgentOptions {
  role: AgentRole;
  name?: string;
  /** Replies in order (the last one repeats), or a function of the input. */
  replies?: Reply[] | ((input: AgentInput, callIndex: number) => unknown);
  /** Waits this long (real timers) before answering. */
  delayMs?: number;
}

/** A fake adapter that answers from a list or a function and records each input. */
export function fakeAgent(options: FakeAgentOptions): FakeAgent {
  const calls: RecordedCall[] = [];
  const adapter: FakeAgent = {
    role: options.role,
    calls,
    async call(input) {
      const callIndex = calls.length;
      calls.push({
        turn: input.scenarioState.currentTurn,
        requestedRole: input.requestedRole,
        messages: [...input.messages],
        newMessages: [...input.newMessages],
        judgmentRequest: input.judgmentRequest,
        input,
      });
      if (options.delayMs) await sleep(options.delayMs);
      const replies = options.replies;
      if (typeof replies === "function") return replies(input, callIndex) as AgentReturn;
      const reply =
        replies && replies.length > 0
          ? replies[Math.min(callIndex, replies.length - 1)]
          : defaultReply(options.role, callIndex);
      if (typeof reply === "function") return reply(input, callIndex) as AgentReturn;
      return reply as AgentReturn;
    },
  };
  if (options.name) adapter.name = options.name;
  return adapter;
}

function defaultReply(role: AgentRole, callIndex: number): AgentReturn {
  if (role === AgentRole.JUDGE) return null;
  return role === AgentRole.USER ? `user line ${callIndex + 1}` : `agent reply ${callIndex + 1}`;
}

/** A user simulator answering `user line 1`, `user line 2`, ... */
export function fakeUser(options: Partial<FakeAgentOptions> = {}): FakeAgent {
  return fakeAgent({ name: "FakeUser", ...options, role: AgentRole.USER });
}

/** An agent under test answering `agent reply 1`, `agent reply 2`, ... */
export function fakeAgentUnderTest(options: Partial<FakeAgentOptions> = {}): FakeAgent {
  return fakeAgent({ name: "FakeAgent", ...options, role: AgentRole.AGENT });
}

/** A judge that lets the conversation go on (null) unless `replies` says otherwise. */
export function fakeJudge(options: Partial<FakeAgentOptions> = {}): FakeAgent {
  return fakeAgent({ name: "FakeJudge", ...options, role: AgentRole.JUDGE });
}

/** A judge verdict. */
export function verdict(
  success: boolean,
  met: string[] = [],
  unmet: string[] = [],
  reasoning = "judged",
): JudgeResult {
  return { success, reasoning, metCriteria: met, unmetCriteria: unmet };
}

/** A judge that passes every checkpoint and final request, meeting the criteria it is given. */
export function passingJudge(ownCriteria: string[] = ["final criterion"]): FakeAgent {
  return fakeJudge({
    replies: (input) =>
      input.judgmentRequest ? verdict(true, input.judgmentRequest.criteria ?? ownCriteria) : null,
  });
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The text of a message with string content. */
export function textOf(message: ModelMessage | undefined): string | undefined {
  if (!message) return undefined;
  if (typeof message.content === "string") return message.content;
  return message.content.map((part) => ("text" in part ? part.text : "")).join("");
}

/** The texts of messages, for compact assertions. */
export function texts(messages: readonly ModelMessage[]): Array<string | undefined> {
  return messages.map(textOf);
}
