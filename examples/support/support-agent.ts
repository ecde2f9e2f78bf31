import { responseMessagesOf } from "@scenario/kit";
import { generateText, type LanguageModel, type ModelMessage, stepCountIs, type ToolSet, tool } from "ai";
import { z } from "zod";
import { type OrderBackend, REFUND_WINDOW_DAYS } from "./order-backend";

/** The agent's instructions: the shop's refund policy and how to use the tools. */
export const SUPPORT_INSTRUCTIONS = `You are the customer-support assistant of an online shop.
- Always look up an order with lookupOrder before saying anything about it.
- Refunds: only delivered orders, at most ${REFUND_WINDOW_DAYS} days after delivery. When a customer asks for a refund of an eligible order, issue it with issueRefund and tell them the amount.
- An order still on its way cannot be refunded yet: say where it is and when it should arrive.
- Outside the ${REFUND_WINDOW_DAYS}-day window, explain the policy politely and offer the warranty team.
- Be brief and friendly. Never ask for information the customer already gave.`;

/** The result of one agent turn: the messages to append (assistant text, tool calls and results). */
export interface SupportReply {
  messages: ModelMessage[];
  usage: { inputTokens?: number; outputTokens?: number; totalTokens?: number; modelId?: string };
}

/**
 * The agent's two tools over the order backend. Typed as a `ToolSet`: the inferred type names AI SDK
 * 7's internal provider-utils types, which a declaration cannot refer to (TS2883).
 */
export function supportTools(backend: OrderBackend): ToolSet {
  return {
    lookupOrder: tool({
      description: "Look up an order by its number: item, amount, status, delivery.",
      inputSchema: z.object({ orderId: z.string().describe("The order number, e.g. 1042") }),
      execute: async ({ orderId }) => backend.lookupOrder(orderId),
    }),
    issueRefund: tool({
      description: "Refund a delivered order in full.",
      inputSchema: z.object({
        orderId: z.string().describe("The order number"),
        reason: z.string().describe("Why the customer wants a refund"),
      }),
      execute: async ({ orderId, reason }) => backend.issueRefund(orderId, reason),
    }),
  };
}

/** At most this many steps (model calls) per turn: a lookup, a refund, the answer, and room to spare. */
export const SUPPORT_MAX_STEPS = 5;

/**
 * A customer-support agent with two tools over the order backend, built with the AI SDK, as it
 * runs in production (the HTTP server serves it). Scenario tests it through
 * `@scenario/adapter-ai-sdk` with the same model, instructions and tools.
 */
export function createSupportAgent(options: { model: LanguageModel; backend: OrderBackend }) {
  const tools = supportTools(options.backend);

  return {
    /** Answers the conversation so far; tool calls run against the backend within the turn. */
    async reply(messages: ModelMessage[], abortSignal?: AbortSignal): Promise<SupportReply> {
      const result = await generateText({
        model: options.model,
        system: SUPPORT_INSTRUCTIONS,
        messages,
        tools,
        stopWhen: stepCountIs(SUPPORT_MAX_STEPS),
        abortSignal,
      });
      // Every step's messages (tool calls, their results, the answer), with AI SDK 6 or 7.
      // The model id lets Scenario price the agent's calls.
      return {
        messages: responseMessagesOf(result),
        usage: { ...result.totalUsage, modelId: result.response.modelId },
      };
    },
  };
}
