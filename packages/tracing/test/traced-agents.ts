import { SpanStatusCode, trace } from "@opentelemetry/api";
import { type AgentAdapter, type AgentInput, AgentRole } from "@scenario/spec";

/** A span as the tests compare it, from any source (in-memory exporter, OTLP receiver). */
export interface SpanView {
  name: string;
  spanId: string;
  parentSpanId: string | undefined;
  traceId: string;
  attributes: Record<string, unknown>;
}

/**
 * The agent under test: a support agent whose refund tool call is visible only in its own spans
 * (made with `@opentelemetry/api`, as a user's agent would). Its reply never mentions the refund.
 */
export function refundAgent(refundCalls = 1): AgentAdapter & { calls: number } {
  const tracer = trace.getTracer("support-agent");
  const agent = {
    role: AgentRole.AGENT,
    name: "SupportAgent",
    calls: 0,
    async call(_input: AgentInput) {
      agent.calls += 1;
      return tracer.startActiveSpan("support-agent.handle", async (handle) => {
        for (let index = 0; index < refundCalls; index++) {
          await tracer.startActiveSpan("tool refund_api", async (span) => {
            span.setAttributes({
              "tool.name": "refund_api",
              "tool.input": '{"orderId":"A-17","amountUsd":40}',
            });
            await Promise.resolve();
            span.setAttribute("tool.output", '{"status":"refunded"}');
            span.end();
          });
        }
        await tracer.startActiveSpan("tool lookup_order", async (span) => {
          span.setAttribute("tool.name", "lookup_order");
          span.setStatus({ code: SpanStatusCode.OK });
          span.end();
        });
        handle.end();
        return "All sorted, anything else I can help with?";
      });
    },
  };
  return agent;
}

/** The children of `parent` (by span id) whose name starts with `prefix`. */
export function childrenOf(spans: readonly SpanView[], parent: SpanView, prefix = ""): SpanView[] {
  return spans.filter((span) => span.parentSpanId === parent.spanId && span.name.startsWith(prefix));
}

/** The one span whose name starts with `prefix`; throws when there are none or several. */
export function only(spans: readonly SpanView[], prefix: string): SpanView {
  const found = spans.filter((span) => span.name.startsWith(prefix));
  if (found.length !== 1) {
    throw new Error(
      `Expected one span named ${prefix}…, found ${found.length}: ${spans.map((span) => span.name).join(", ")}`,
    );
  }
  return found[0]!;
}
