import { agent, judge, proceed, succeed, user } from "@scenario/script";
import type { ScriptStep } from "@scenario/spec";

/** A script: hand it to `run()` or `defineScenario()` as `script`. */
export const refundScript: ScriptStep[] = [
  user("I want a refund for order 1234"),
  agent(),
  (state) => {
    if (!state.hasToolCall("lookup_order")) throw new Error("the agent never looked the order up");
  },
  judge({ criteria: ["The agent explains the refund policy"] }),
  proceed(2),
  succeed(),
];
