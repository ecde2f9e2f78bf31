import { callParticipantModel, type RetryOptions, type ScenarioLanguageModel } from "@scenario/llm";
import { generateText, jsonSchema, ToolChoiceViolationError, tool } from "ai";
import type { z } from "zod/v4";
import { RedTeamError } from "./red-team-error";

/** The `X-Scenario-Role` header values, so a proxy or the fake server can tell the two apart. */
export const RED_TEAM_ROLE_HEADERS = {
  attacker: "red-team-attacker",
  scorer: "red-team-scorer",
} as const;

/** One model call that must answer through one tool. */
export interface ForcedToolCall<T> {
  model: ScenarioLanguageModel;
  /** Who calls: the role header's value. */
  role: (typeof RED_TEAM_ROLE_HEADERS)[keyof typeof RED_TEAM_ROLE_HEADERS];
  system: string;
  prompt: string;
  toolName: string;
  toolDescription: string;
  /** The tool's JSON schema, as the model sees it. */
  parameters: Record<string, unknown>;
  /** Validates the tool's input. */
  schema: z.ZodType<T>;
  temperature?: number | undefined;
  retry?: RetryOptions | undefined;
  signal?: AbortSignal | undefined;
  /** For error messages: "The red-team attacker". */
  label: string;
}

const MAX_ATTEMPTS = 2;

/**
 * Calls the model with the tool forced and returns its validated input. A reply without the call,
 * or with input the schema rejects, is asked again once with the problem named, then fails with a
 * `RedTeamError`. Works with AI SDK 6 and 7: both reject a reply that ignores the tool choice with
 * `ToolChoiceViolationError`, which is handled like any reply without the call.
 */
export async function callForcedTool<T>(call: ForcedToolCall<T>): Promise<T> {
  const tools = {
    [call.toolName]: tool({ description: call.toolDescription, inputSchema: jsonSchema(call.parameters) }),
  };
  let problem = "";
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const prompt = problem === "" ? call.prompt : `${call.prompt}\n\n${problem} Call ${call.toolName} again.`;
    const calls = await callParticipantModel(
      ({ signal }) =>
        generateText({
          model: call.model,
          system: call.system,
          prompt,
          tools,
          toolChoice: { type: "tool", toolName: call.toolName },
          temperature: call.temperature,
          headers: { "X-Scenario-Role": call.role },
          abortSignal: signal,
          maxRetries: 0,
        }).then(
          (result) => result.toolCalls as Array<{ toolName: string; input: unknown }>,
          (error: unknown) => {
            if (!ToolChoiceViolationError.isInstance(error)) throw error;
            return error.content.filter((part) => part.type === "tool-call") as Array<{
              toolName: string;
              input: unknown;
            }>;
          },
        ),
      {
        retry: call.retry,
        signal: call.signal,
        label: `${call.label} call to ${call.model.provider}/${call.model.modelId}`,
      },
    );
    const found = calls.find((candidate) => candidate.toolName === call.toolName);
    if (found === undefined) {
      problem = `You did not call ${call.toolName}.`;
      continue;
    }
    const parsed = call.schema.safeParse(
      typeof found.input === "string" ? safeJson(found.input) : found.input,
    );
    if (parsed.success) return parsed.data;
    problem = `The ${call.toolName} arguments were invalid: ${parsed.error.issues
      .map((issue) => `${issue.path.join(".") || "(root)"} ${issue.message}`)
      .join("; ")}.`;
  }
  throw new RedTeamError(
    `${call.label} gave no usable ${call.toolName} call in ${MAX_ATTEMPTS} attempts (last problem: ${problem}) ` +
      "Give it a `model` that calls tools reliably: it answers through the forced tool.",
  );
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}
