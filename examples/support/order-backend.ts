/** An order as the shop's backend stores it. */
export interface Order {
  orderId: string;
  item: string;
  /** Price paid, in US dollars. */
  amount: number;
  status: "processing" | "shipped" | "delivered";
  /** Days since delivery, for delivered orders. */
  deliveredDaysAgo?: number;
  /** Expected delivery date, for orders not yet delivered. */
  estimatedDelivery?: string;
  refunded: boolean;
}

/** What `issueRefund` answers. */
export type RefundOutcome =
  | { ok: true; refundId: string; orderId: string; amount: number }
  | { ok: false; orderId: string; error: string };

/** Orders can be refunded this many days after delivery. */
export const REFUND_WINDOW_DAYS = 30;

const SAMPLE_ORDERS: Order[] = [
  {
    orderId: "1042",
    item: "Wireless headphones",
    amount: 89.99,
    status: "delivered",
    deliveredDaysAgo: 5,
    refunded: false,
  },
  {
    orderId: "2077",
    item: "Standing desk",
    amount: 349,
    status: "shipped",
    estimatedDelivery: "Friday",
    refunded: false,
  },
  {
    orderId: "3001",
    item: "Espresso machine",
    amount: 219,
    status: "delivered",
    deliveredDaysAgo: 45,
    refunded: false,
  },
];

/**
 * The shop's order system, mocked in memory. Each scenario run creates its own, so a refund in one
 * run never leaks into another.
 */
export class OrderBackend {
  private readonly orders = new Map(SAMPLE_ORDERS.map((order) => [order.orderId, { ...order }]));
  /** Every refund issued, for assertions. */
  readonly refunds: Array<{ orderId: string; amount: number; reason: string }> = [];

  lookupOrder(orderId: string): Order | { error: string } {
    const order = this.orders.get(normalizeOrderId(orderId));
    return order ? { ...order } : { error: `No order with number ${orderId}.` };
  }

  issueRefund(orderId: string, reason: string): RefundOutcome {
    const order = this.orders.get(normalizeOrderId(orderId));
    if (!order) return { ok: false, orderId, error: `No order with number ${orderId}.` };
    if (order.refunded) return { ok: false, orderId, error: "This order was already refunded." };
    if (order.status !== "delivered") {
      return {
        ok: false,
        orderId,
        error: "Only delivered orders can be refunded; this one is still on its way.",
      };
    }
    if ((order.deliveredDaysAgo ?? 0) > REFUND_WINDOW_DAYS) {
      return {
        ok: false,
        orderId,
        error: `Delivered more than ${REFUND_WINDOW_DAYS} days ago: outside the refund window.`,
      };
    }
    order.refunded = true;
    this.refunds.push({ orderId: order.orderId, amount: order.amount, reason });
    return {
      ok: true,
      refundId: `R-${order.orderId}-${this.refunds.length}`,
      orderId: order.orderId,
      amount: order.amount,
    };
  }
}

function normalizeOrderId(orderId: string): string {
  return orderId.replace(/^#/, "").trim();
}
