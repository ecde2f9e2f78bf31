import { isRecord } from "../shared/checks";
import type {
  FakeEndpoint,
  FakeMessage,
  FakeModelRequest,
  FakeScenarioRole,
  FakeTool,
  FakeToolCall,
  FakeToolChoice,
} from "./fake-openai-types";

/** A request the server answers with HTTP 400, as the real API does for a malformed body. */
export class InvalidRequestError extends Error {
  override readonly name = "InvalidRequestError";
}

/** Finds an output item of an earlier response by id, for Responses API `item_reference`s. */
export type StoredItemLookup = (id: string) => Record<string, unknown> | undefined;

type JsonRecord = Record<string, unknown>;

function parseArguments(raw: unknown): unknown {
  if (typeof raw !== "string") return raw ?? {};
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

// Both endpoints send content either as a string or as an array of typed parts; only the text
// parts matter to a reply function (the raw body keeps the rest).
function contentText(content: unknown): string {
  if (typeof content === "string") return content;
  if (!Array.isArray(content)) return "";
  const texts: string[] = [];
  for (const part of content) {
    if (isRecord(part) && typeof part.text === "string") texts.push(part.text);
  }
  return texts.join("\n");
}

/**
 * Who made a request, from its `X-Scenario-Role` header (headers lower-cased): the header's value,
 * or `"agent"` without one.
 */
export function scenarioRoleOf(headers: Record<string, string>): FakeScenarioRole {
  const role = headers["x-scenario-role"]?.trim();
  return role ? role : "agent";
}

function requireModel(body: JsonRecord): string {
  if (typeof body.model !== "string" || body.model === "") {
    throw new InvalidRequestError("The request body has no `model` string.");
  }
  return body.model;
}

function requireArray(value: unknown, field: string): unknown[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw new InvalidRequestError(`\`${field}\` must be an array.`);
  return value;
}

function toolChoiceOf(value: unknown, endpoint: FakeEndpoint): FakeToolChoice {
  if (value === undefined || value === null) return "auto";
  if (value === "auto" || value === "none" || value === "required") return value;
  if (isRecord(value) && value.type === "function") {
    const name =
      endpoint === "chat.completions" && isRecord(value.function) ? value.function.name : value.name;
    if (typeof name === "string") return { type: "tool", toolName: name };
  }
  throw new InvalidRequestError(`Unsupported \`tool_choice\`: ${JSON.stringify(value)}.`);
}

/** A tool from its definition: `tool.function` in Chat Completions, the tool itself in Responses. */
function toFakeTool(definition: JsonRecord): FakeTool {
  return {
    name: String(definition.name ?? ""),
    ...(typeof definition.description === "string" ? { description: definition.description } : {}),
    parameters: isRecord(definition.parameters) ? definition.parameters : {},
  };
}

function toFakeToolCall(id: unknown, name: unknown, rawArguments: unknown): FakeToolCall {
  return { id: String(id ?? ""), name: String(name ?? ""), arguments: parseArguments(rawArguments) };
}

function toolResultMessage(toolCallId: unknown, content: unknown): FakeMessage {
  return { role: "tool", toolCallId: String(toolCallId ?? ""), content: contentText(content) };
}

/** A system, user or assistant message; `undefined` for any other role. */
function roleMessage(
  role: unknown,
  content: string,
  toolCalls: () => FakeToolCall[],
): FakeMessage | undefined {
  switch (role) {
    case "system":
    case "developer":
      return { role: "system", content };
    case "user":
      return { role: "user", content };
    case "assistant":
      return { role: "assistant", content, toolCalls: toolCalls() };
    default:
      return undefined;
  }
}

const noToolCalls = (): FakeToolCall[] => [];

/** Collects tools and tool choice and assembles the request, the same for both endpoints. */
function buildRequest(
  endpoint: FakeEndpoint,
  body: JsonRecord,
  model: string,
  messages: FakeMessage[],
  headers: Record<string, string>,
  index: number,
): FakeModelRequest {
  const tools: FakeTool[] = [];
  for (const tool of requireArray(body.tools, "tools")) {
    if (!isRecord(tool) || tool.type !== "function") continue;
    const definition = endpoint === "chat.completions" ? tool.function : tool;
    if (isRecord(definition)) tools.push(toFakeTool(definition));
  }
  return {
    endpoint,
    model,
    messages,
    tools,
    toolChoice: toolChoiceOf(body.tool_choice, endpoint),
    stream: body.stream === true,
    role: scenarioRoleOf(headers),
    headers,
    body,
    index,
  };
}

function pushToolCall(messages: FakeMessage[], toolCall: FakeToolCall): void {
  const last = messages[messages.length - 1];
  if (last?.role === "assistant") {
    last.toolCalls.push(toolCall);
  } else {
    messages.push({ role: "assistant", content: "", toolCalls: [toolCall] });
  }
}

/** Normalises a `/v1/chat/completions` body. */
export function normalizeChatCompletionsRequest(
  body: JsonRecord,
  headers: Record<string, string>,
  index: number,
): FakeModelRequest {
  const model = requireModel(body);
  const messages: FakeMessage[] = [];
  for (const message of requireArray(body.messages, "messages")) {
    if (!isRecord(message)) throw new InvalidRequestError("Every entry of `messages` must be an object.");
    if (message.role === "tool") {
      messages.push(toolResultMessage(message.tool_call_id, message.content));
      continue;
    }
    const normalized = roleMessage(message.role, contentText(message.content), () =>
      requireArray(message.tool_calls, "tool_calls").flatMap((toolCall) =>
        isRecord(toolCall) && isRecord(toolCall.function)
          ? [toFakeToolCall(toolCall.id, toolCall.function.name, toolCall.function.arguments)]
          : [],
      ),
    );
    if (normalized === undefined) {
      throw new InvalidRequestError(`Unsupported message role: ${JSON.stringify(message.role)}.`);
    }
    messages.push(normalized);
  }
  return buildRequest("chat.completions", body, model, messages, headers, index);
}

function appendResponsesItem(
  messages: FakeMessage[],
  item: JsonRecord,
  lookupItem: StoredItemLookup,
  depth: number,
): void {
  const type = item.type ?? "message";
  switch (type) {
    case "message": {
      const message = roleMessage(item.role, contentText(item.content), noToolCalls);
      if (message === undefined) {
        throw new InvalidRequestError(`Unsupported input message role: ${JSON.stringify(item.role)}.`);
      }
      messages.push(message);
      return;
    }
    case "function_call":
      pushToolCall(messages, toFakeToolCall(item.call_id, item.name, item.arguments));
      return;
    case "function_call_output":
      messages.push(toolResultMessage(item.call_id, item.output));
      return;
    case "item_reference": {
      const stored = typeof item.id === "string" ? lookupItem(item.id) : undefined;
      if (stored === undefined || depth > 0) {
        throw new InvalidRequestError(`Item with id ${JSON.stringify(item.id)} not found.`);
      }
      appendResponsesItem(messages, stored, lookupItem, depth + 1);
      return;
    }
    case "reasoning":
      return;
    default:
      throw new InvalidRequestError(`Unsupported input item type: ${JSON.stringify(type)}.`);
  }
}

/** Normalises a `/v1/responses` body; `item_reference`s resolve against earlier responses. */
export function normalizeResponsesRequest(
  body: JsonRecord,
  headers: Record<string, string>,
  index: number,
  lookupItem: StoredItemLookup,
): FakeModelRequest {
  const model = requireModel(body);
  const messages: FakeMessage[] = [];
  if (typeof body.instructions === "string" && body.instructions !== "") {
    messages.push({ role: "system", content: body.instructions });
  }
  if (typeof body.input === "string") {
    messages.push({ role: "user", content: body.input });
  } else {
    for (const item of requireArray(body.input, "input")) {
      if (!isRecord(item)) throw new InvalidRequestError("Every entry of `input` must be an object.");
      appendResponsesItem(messages, item, lookupItem, 0);
    }
  }
  return buildRequest("responses", body, model, messages, headers, index);
}
