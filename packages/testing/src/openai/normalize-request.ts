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

function isRecord(value: unknown): value is JsonRecord {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

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

function roleOf(headers: Record<string, string>): FakeScenarioRole {
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
    switch (message.role) {
      case "system":
      case "developer":
        messages.push({ role: "system", content: contentText(message.content) });
        break;
      case "user":
        messages.push({ role: "user", content: contentText(message.content) });
        break;
      case "assistant": {
        const toolCalls: FakeToolCall[] = [];
        for (const toolCall of requireArray(message.tool_calls, "tool_calls")) {
          if (!isRecord(toolCall) || !isRecord(toolCall.function)) continue;
          toolCalls.push({
            id: String(toolCall.id ?? ""),
            name: String(toolCall.function.name ?? ""),
            arguments: parseArguments(toolCall.function.arguments),
          });
        }
        messages.push({ role: "assistant", content: contentText(message.content), toolCalls });
        break;
      }
      case "tool":
        messages.push({
          role: "tool",
          toolCallId: String(message.tool_call_id ?? ""),
          content: contentText(message.content),
        });
        break;
      default:
        throw new InvalidRequestError(`Unsupported message role: ${JSON.stringify(message.role)}.`);
    }
  }
  const tools: FakeTool[] = [];
  for (const tool of requireArray(body.tools, "tools")) {
    if (!isRecord(tool) || tool.type !== "function" || !isRecord(tool.function)) continue;
    tools.push({
      name: String(tool.function.name ?? ""),
      ...(typeof tool.function.description === "string" ? { description: tool.function.description } : {}),
      parameters: isRecord(tool.function.parameters) ? tool.function.parameters : {},
    });
  }
  return {
    endpoint: "chat.completions",
    model,
    messages,
    tools,
    toolChoice: toolChoiceOf(body.tool_choice, "chat.completions"),
    stream: body.stream === true,
    role: roleOf(headers),
    headers,
    body,
    index,
  };
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
      const content = contentText(item.content);
      if (item.role === "system" || item.role === "developer") {
        messages.push({ role: "system", content });
      } else if (item.role === "user") {
        messages.push({ role: "user", content });
      } else if (item.role === "assistant") {
        messages.push({ role: "assistant", content, toolCalls: [] });
      } else {
        throw new InvalidRequestError(`Unsupported input message role: ${JSON.stringify(item.role)}.`);
      }
      return;
    }
    case "function_call":
      pushToolCall(messages, {
        id: String(item.call_id ?? ""),
        name: String(item.name ?? ""),
        arguments: parseArguments(item.arguments),
      });
      return;
    case "function_call_output":
      messages.push({
        role: "tool",
        toolCallId: String(item.call_id ?? ""),
        content: contentText(item.output),
      });
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
  const tools: FakeTool[] = [];
  for (const tool of requireArray(body.tools, "tools")) {
    if (!isRecord(tool) || tool.type !== "function") continue;
    tools.push({
      name: String(tool.name ?? ""),
      ...(typeof tool.description === "string" ? { description: tool.description } : {}),
      parameters: isRecord(tool.parameters) ? tool.parameters : {},
    });
  }
  return {
    endpoint: "responses",
    model,
    messages,
    tools,
    toolChoice: toolChoiceOf(body.tool_choice, "responses"),
    stream: body.stream === true,
    role: roleOf(headers),
    headers,
    body,
    index,
  };
}
