/**
 * The conversation's message shapes. They mirror the AI SDK's `ModelMessage` structurally (so
 * messages pass both ways between Scenario and `ai` without conversion) while keeping this package
 * free of runtime dependencies.
 */

/** A JSON value, as the AI SDK defines it for tool inputs and outputs. */
export type JSONValue = null | string | number | boolean | JSONObject | JSONValue[];

/** A JSON object; `undefined` values are allowed, as in the AI SDK, and dropped when serialised. */
export type JSONObject = { [key: string]: JSONValue | undefined };

/** Provider-specific options keyed by provider name; passed through untouched. */
export type ProviderOptions = Record<string, JSONObject>;

/** Binary or base64 content: a base64 string, bytes, or an ArrayBuffer. */
export type DataContent = string | Uint8Array | ArrayBuffer;

/** A piece of text in a message. */
export interface SpecTextPart {
  type: "text";
  /** The text itself. */
  text: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** An image in a user message. */
export interface SpecImagePart {
  type: "image";
  /** The image bytes, base64 or a URL. */
  image: DataContent | URL;
  /** IANA media type, for example `image/png`. */
  mediaType?: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A file (audio included) in a message. Voice turns carry their audio as a file part. */
export interface SpecFilePart {
  type: "file";
  /** The file bytes, base64 or a URL. */
  data: DataContent | URL;
  /** Optional file name. */
  filename?: string;
  /** IANA media type, for example `audio/wav`. */
  mediaType: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** Model reasoning text in an assistant message. */
export interface SpecReasoningPart {
  type: "reasoning";
  /** The reasoning text. */
  text: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A tool call made by the assistant. */
export interface SpecToolCallPart {
  type: "tool-call";
  /** Identifies the call; the matching result carries the same id. */
  toolCallId: string;
  /** The name of the tool called. */
  toolName: string;
  /** The arguments, usually a JSON object. */
  input: unknown;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
  /** True when the provider executed the tool itself. */
  providerExecuted?: boolean;
}

/** One item of a multi-part tool result. */
export type SpecToolResultContentItem =
  | { type: "text"; text: string; providerOptions?: ProviderOptions }
  | { type: "media"; data: string; mediaType: string }
  | {
      type: "file-data";
      data: string;
      mediaType: string;
      filename?: string;
      providerOptions?: ProviderOptions;
    }
  | { type: "file-url"; url: string; mediaType?: string; providerOptions?: ProviderOptions }
  | { type: "file-id"; fileId: string | Record<string, string>; providerOptions?: ProviderOptions }
  | { type: "image-data"; data: string; mediaType: string; providerOptions?: ProviderOptions }
  | { type: "image-url"; url: string; providerOptions?: ProviderOptions }
  | { type: "image-file-id"; fileId: string | Record<string, string>; providerOptions?: ProviderOptions }
  | { type: "custom"; providerOptions?: ProviderOptions };

/** The output of a tool, as the AI SDK encodes it. */
export type SpecToolResultOutput =
  | { type: "text"; value: string; providerOptions?: ProviderOptions }
  | { type: "json"; value: JSONValue; providerOptions?: ProviderOptions }
  | { type: "execution-denied"; reason?: string; providerOptions?: ProviderOptions }
  | { type: "error-text"; value: string; providerOptions?: ProviderOptions }
  | { type: "error-json"; value: JSONValue; providerOptions?: ProviderOptions }
  | { type: "content"; value: SpecToolResultContentItem[] };

/** The result of a tool call. */
export interface SpecToolResultPart {
  type: "tool-result";
  /** The id of the call this answers. */
  toolCallId: string;
  /** The name of the tool that ran. */
  toolName: string;
  /** What the tool returned. */
  output: SpecToolResultOutput;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A request from the model to approve a tool call before it runs. */
export interface SpecToolApprovalRequest {
  type: "tool-approval-request";
  /** Identifies the approval. */
  approvalId: string;
  /** The tool call awaiting approval. */
  toolCallId: string;
  /** Optional signature over the request. */
  signature?: string;
  /** The input schema's input, when the provider sends it. */
  inputSchemaInput?: unknown;
}

/** The answer to a tool approval request. */
export interface SpecToolApprovalResponse {
  type: "tool-approval-response";
  /** The approval this answers. */
  approvalId: string;
  /** Whether the call may run. */
  approved: boolean;
  /** Why, when given. */
  reason?: string;
  /** True when the provider executed the tool itself. */
  providerExecuted?: boolean;
}

/** A system message (instructions). */
export interface SpecSystemModelMessage {
  role: "system";
  /** The instructions. */
  content: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A message from the user side of the conversation. */
export interface SpecUserModelMessage {
  role: "user";
  /** Text, or parts (text, images, files such as recorded audio). */
  content: string | Array<SpecTextPart | SpecImagePart | SpecFilePart>;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A message from the agent side of the conversation. */
export interface SpecAssistantModelMessage {
  role: "assistant";
  /** Text, or parts (text, files, reasoning, tool calls and results, approval requests). */
  content:
    | string
    | Array<
        | SpecTextPart
        | SpecFilePart
        | SpecReasoningPart
        | SpecToolCallPart
        | SpecToolResultPart
        | SpecToolApprovalRequest
      >;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** Tool results fed back to the model. */
export interface SpecToolModelMessage {
  role: "tool";
  /** The results (and approval responses). */
  content: Array<SpecToolResultPart | SpecToolApprovalResponse>;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** Spec's own declaration of an AI SDK message (AI SDK 6's shape), used when no AI SDK is registered. */
export type SpecModelMessage =
  | SpecSystemModelMessage
  | SpecUserModelMessage
  | SpecAssistantModelMessage
  | SpecToolModelMessage;

/**
 * Where a package that has the AI SDK registers the installed `ai`'s own types, by declaration
 * merging (`@scenario/llm` registers the `ModelMessage` of `ai` as `modelMessage`). Spec has no
 * dependencies, and AI SDK 6 and 7 declare different message parts, so the exact type can only
 * come from the user's own copy of `ai`. Empty when nothing registered.
 */
// biome-ignore lint/suspicious/noEmptyInterface: filled by declaration merging
export interface ScenarioTypeRegistry {}

/**
 * One message of the conversation: exactly the `ModelMessage` of the user's AI SDK (6 or 7) when
 * `@scenario/llm` is installed (the kit brings it), else `SpecModelMessage`. So `input.messages`
 * goes straight into `generateText({ messages })` and `response.messages` straight back.
 */
export type ModelMessage = ScenarioTypeRegistry extends { modelMessage: infer Message }
  ? Message
  : SpecModelMessage;

type MessageOf<Role extends string> = Extract<ModelMessage, { role: Role }>;
type PartsOf<Message> = Message extends { content: infer Content }
  ? Content extends ReadonlyArray<infer Part>
    ? Part
    : never
  : never;
type MessagePart = PartsOf<ModelMessage>;

// The named message and part types follow `ModelMessage`: the installed AI SDK's when registered,
// spec's own otherwise, so a part taken from a message and a message built from parts always agree.

/** A system message. */
export type SystemModelMessage = MessageOf<"system">;
/** A user message: text, or text, image and file parts. */
export type UserModelMessage = MessageOf<"user">;
/** An assistant message: text, or parts (text, reasoning, files, tool calls and results). */
export type AssistantModelMessage = MessageOf<"assistant">;
/** A tool message: the results of tool calls (and approval responses). */
export type ToolModelMessage = MessageOf<"tool">;
/** A text part. */
export type TextPart = Extract<MessagePart, { type: "text" }>;
/** An image part of a user message. */
export type ImagePart = Extract<MessagePart, { type: "image" }>;
/** A file part. */
export type FilePart = Extract<MessagePart, { type: "file" }>;
/** A reasoning part of an assistant message. */
export type ReasoningPart = Extract<MessagePart, { type: "reasoning" }>;
/** A tool call of an assistant message. */
export type ToolCallPart = Extract<MessagePart, { type: "tool-call" }>;
/** A tool's result. */
export type ToolResultPart = Extract<MessagePart, { type: "tool-result" }>;
/** A request for approval of a tool call. */
export type ToolApprovalRequest = Extract<MessagePart, { type: "tool-approval-request" }>;
/** The answer to a tool approval request. */
export type ToolApprovalResponse = Extract<MessagePart, { type: "tool-approval-response" }>;
/** What a tool returned. */
export type ToolResultOutput = ToolResultPart["output"];
/** One item of a tool's `content` output. */
export type ToolResultContentItem = Extract<ToolResultOutput, { type: "content" }>["value"][number];
