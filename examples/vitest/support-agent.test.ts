// The demo scenarios inside vitest: the same definitions `scenario run` uses, run with
// runScenario(). They run against the offline model here, so the test is deterministic and free.
// The matchers of @scenario/vitest say why a run failed (verdict, unmet criteria with the judge's
// reasoning, the end of the transcript); with `plugins: [scenarioVitest()]` in a vitest config
// they are registered for you, here the file registers them itself.
import { runScenario } from "@scenario/kit";
import { scenarioMatchers } from "@scenario/vitest";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OfflineModel, startOfflineModel } from "../offline/offline-model";
import delayedOrder from "../scenarios/delayed-order.scenario";
import httpAgent from "../scenarios/http-agent.scenario";
import refund from "../scenarios/refund.scenario";
import refundWindow from "../scenarios/refund-window.scenario";

expect.extend(scenarioMatchers);

let offline: OfflineModel;

beforeAll(async () => {
  offline = await startOfflineModel();
});

afterAll(async () => {
  await offline.close();
});

describe("the support agent", () => {
  it("refunds a broken item", async () => {
    const result = await runScenario(refund);
    expect(result).toPass();
    expect(result).toHaveMetCriteria([
      "The agent refunds order 1042",
      "The agent tells the customer how much was refunded",
    ]);
    expect(result).toHaveCalledTool(
      "issueRefund",
      expect.objectContaining({ orderId: expect.stringMatching(/1042$/) }),
    );
    expect(result).toHaveEndedWithin({ turns: 1 });
  });

  it.each([
    ["handles a delayed order", delayedOrder],
    ["declines a refund outside the window", refundWindow],
    ["answers over HTTP", httpAgent],
  ])("%s", async (_name, definition) => {
    const result = await runScenario(definition);
    expect(result).toPass();
  });
});
