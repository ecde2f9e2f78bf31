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
export interface TextPart {
  type: "text";
  /** The text itself. */
  text: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** An image in a user message. */
export interface ImagePart {
  type: "image";
  /** The image bytes, base64 or a URL. */
  image: DataContent | URL;
  /** IANA media type, for example `image/png`. */
  mediaType?: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A file (audio included) in a message. Voice turns carry their audio as a file part. */
export interface FilePart {
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
export interface ReasoningPart {
  type: "reasoning";
  /** The reasoning text. */
  text: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A tool call made by the assistant. */
export interface ToolCallPart {
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
export type ToolResultContentItem =
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
export type ToolResultOutput =
  | { type: "text"; value: string; providerOptions?: ProviderOptions }
  | { type: "json"; value: JSONValue; providerOptions?: ProviderOptions }
  | { type: "execution-denied"; reason?: string; providerOptions?: ProviderOptions }
  | { type: "error-text"; value: string; providerOptions?: ProviderOptions }
  | { type: "error-json"; value: JSONValue; providerOptions?: ProviderOptions }
  | { type: "content"; value: ToolResultContentItem[] };

/** The result of a tool call. */
export interface ToolResultPart {
  type: "tool-result";
  /** The id of the call this answers. */
  toolCallId: string;
  /** The name of the tool that ran. */
  toolName: string;
  /** What the tool returned. */
  output: ToolResultOutput;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A request from the model to approve a tool call before it runs. */
export interface ToolApprovalRequest {
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
export interface ToolApprovalResponse {
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
export interface SystemModelMessage {
  role: "system";
  /** The instructions. */
  content: string;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A message from the user side of the conversation. */
export interface UserModelMessage {
  role: "user";
  /** Text, or parts (text, images, files such as recorded audio). */
  content: string | Array<TextPart | ImagePart | FilePart>;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** A message from the agent side of the conversation. */
export interface AssistantModelMessage {
  role: "assistant";
  /** Text, or parts (text, files, reasoning, tool calls and results, approval requests). */
  content:
    | string
    | Array<TextPart | FilePart | ReasoningPart | ToolCallPart | ToolResultPart | ToolApprovalRequest>;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** Tool results fed back to the model. */
export interface ToolModelMessage {
  role: "tool";
  /** The results (and approval responses). */
  content: Array<ToolResultPart | ToolApprovalResponse>;
  /** Provider-specific options. */
  providerOptions?: ProviderOptions;
}

/** One message of the conversation: the AI SDK's `ModelMessage`, structurally. */
export type ModelMessage = SystemModelMessage | UserModelMessage | AssistantModelMessage | ToolModelMessage;
