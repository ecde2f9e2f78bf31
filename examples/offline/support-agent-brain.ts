import type { FakeMessage, FakeReply, FakeReplyFunction } from "@scenario/testing";
import { REFUND_WINDOW_DAYS } from "../support/order-backend";

// The offline stand-in for the support agent's model: it reads the conversation the agent sends
// and answers as a well-behaved support model would, calling lookupOrder and issueRefund for real
// (the tools run in the agent, against the mocked backend).

interface OrderView {
  orderId?: string;
  item?: string;
  amount?: number;
  status?: string;
  deliveredDaysAgo?: number;
  estimatedDelivery?: string;
  error?: string;
}

const ORDER_NUMBER = /#?\b(\d{4,})\b/;
const WANTS_REFUND = /refund|money back|return it/i;
const CLOSING = /\b(thanks|thank you|thx|bye|that'?s all|ok fine|okay)\b/i;

function parseJson(text: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text);
    // Tool outputs may arrive wrapped ({ type: "json", value }) depending on the endpoint.
    if (value && typeof value === "object" && "value" in value && typeof value.value === "object")
      return value.value;
    return value && typeof value === "object" ? value : {};
  } catch {
    return {};
  }
}

function userTexts(messages: FakeMessage[]): string[] {
  return messages.filter((message) => message.role === "user").map((message) => message.content);
}

function toolNameOf(messages: FakeMessage[], toolCallId: string): string | undefined {
  for (const message of messages) {
    if (message.role !== "assistant") continue;
    const call = message.toolCalls.find((candidate) => candidate.id === toolCallId);
    if (call) return call.name;
  }
  return undefined;
}

function earlierLookup(messages: FakeMessage[], orderNumber: string): OrderView | undefined {
  for (const message of messages) {
    if (message.role !== "tool" || toolNameOf(messages, message.toolCallId) !== "lookupOrder") continue;
    const order = parseJson(message.content) as OrderView;
    if (order.orderId === orderNumber) return order;
  }
  return undefined;
}

function dollars(amount: number | undefined): string {
  return `$${(amount ?? 0).toFixed(2)}`;
}

function answerLookup(order: OrderView, messages: FakeMessage[]): FakeReply {
  if (order.error || !order.orderId) {
    return { text: "I couldn't find that order. Could you double-check the order number for me?" };
  }
  const asked = userTexts(messages).join("\n");
  const label = `your ${order.item} (order #${order.orderId})`;
  if (
    WANTS_REFUND.test(asked) &&
    order.status === "delivered" &&
    (order.deliveredDaysAgo ?? 0) <= REFUND_WINDOW_DAYS
  ) {
    const reason = /broken|damaged|defect|stopped/i.test(asked) ? "Item arrived broken" : "Customer request";
    return { toolCalls: [{ name: "issueRefund", arguments: { orderId: order.orderId, reason } }] };
  }
  if (order.status !== "delivered") {
    const refundNote = WANTS_REFUND.test(asked)
      ? ` Since it hasn't been delivered yet, I can't refund it right now — once it arrives you can return it within ${REFUND_WINDOW_DAYS} days for a full refund.`
      : "";
    return {
      text: `I've checked ${label}: it has shipped and is on its way, expected to arrive ${order.estimatedDelivery ?? "soon"}.${refundNote}`,
    };
  }
  if (WANTS_REFUND.test(asked)) {
    return {
      text: `I've checked ${label}: it was delivered ${order.deliveredDaysAgo} days ago, which is outside our ${REFUND_WINDOW_DAYS}-day refund window, so I'm not able to refund it. I'm sorry! Our warranty team can still help if it's faulty — would you like me to connect you?`,
    };
  }
  return {
    text: `I've checked ${label}: it was delivered ${order.deliveredDaysAgo} days ago. How can I help with it?`,
  };
}

/** The support agent's offline model. */
export const supportAgentBrain: FakeReplyFunction = (request) => {
  const messages = request.messages;
  const last = messages.at(-1);
  if (last?.role === "tool") {
    const name = toolNameOf(messages, last.toolCallId);
    const output = parseJson(last.content);
    if (name === "lookupOrder") return answerLookup(output as OrderView, messages);
    if (name === "issueRefund") {
      return output.ok
        ? {
            text: `Done! I've refunded ${dollars(output.amount as number)} for order #${output.orderId} (refund ${output.refundId}). You'll see it on your card within 3–5 business days. Sorry about the trouble!`,
          }
        : { text: `I wasn't able to issue that refund: ${String(output.error ?? "unknown error")}` };
    }
    return { text: "Sorry, something went wrong on my side. Could you say that again?" };
  }
  const latest = last?.role === "user" ? last.content : "";
  const orderNumber =
    ORDER_NUMBER.exec(latest)?.[1] ??
    userTexts(messages)
      .map((text) => ORDER_NUMBER.exec(text)?.[1])
      .findLast(Boolean);
  if (CLOSING.test(latest) && !WANTS_REFUND.test(latest) && !ORDER_NUMBER.test(latest)) {
    return { text: "You're welcome! Is there anything else I can help you with today?" };
  }
  if (!orderNumber) {
    return { text: "I'm sorry to hear that! Could you give me your order number so I can look into it?" };
  }
  // An order looked up earlier in the conversation is answered from that result, not fetched again.
  const earlier = earlierLookup(messages, orderNumber);
  if (earlier) return answerLookup(earlier, messages);
  return { toolCalls: [{ name: "lookupOrder", arguments: { orderId: orderNumber } }] };
};
