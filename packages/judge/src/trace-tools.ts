import { JUDGE_TRACE_TOOL_NAMES, type TraceSpanRecord } from "@scenario/spec";
import { jsonSchema, type ToolSet, tool } from "ai";
import { expandTrace, grepTrace } from "./trace-digest";

/** The tool that shows spans of the agent's trace in full. */
export const EXPAND_TRACE = JUDGE_TRACE_TOOL_NAMES.expand;
/** The tool that finds spans of the agent's trace by pattern. */
export const GREP_TRACE = JUDGE_TRACE_TOOL_NAMES.grep;

/**
 * The judge's tools for reading more of the agent's trace than its digest shows. They run here,
 * over the spans read when the judgement started, and answer in text.
 */
export function traceTools(spans: readonly TraceSpanRecord[]): ToolSet {
  return {
    [EXPAND_TRACE]: tool({
      description:
        "Show spans of the agent's trace in full (all attributes, events, status), by the [bracketed] ids of the trace digest.",
      inputSchema: jsonSchema<{ span_ids: string[] }>({
        type: "object",
        properties: {
          span_ids: { type: "array", items: { type: "string" }, description: "Span ids from the digest." },
        },
        required: ["span_ids"],
        additionalProperties: false,
      }),
      execute: async ({ span_ids }) =>
        expandTrace(spans, Array.isArray(span_ids) ? span_ids.map(String) : []),
    }),
    [GREP_TRACE]: tool({
      description:
        "Find the spans of the agent's trace whose name, attributes, events or status match a pattern (case-insensitive regular expression); says how many match.",
      inputSchema: jsonSchema<{ pattern: string }>({
        type: "object",
        properties: {
          pattern: { type: "string", description: "Text or regular expression, e.g. refund_api." },
        },
        required: ["pattern"],
        additionalProperties: false,
      }),
      execute: async ({ pattern }) => grepTrace(spans, String(pattern ?? "")),
    }),
  };
}
