import { describe, expect, it } from "vitest";
import { captureStream, fakeRunEvents } from "../test/fixtures";
import { consoleReporter, createEventBus } from "./index";

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escapes start with ESC.
const ANSI = /\u001b\[[0-9;?]*[A-Za-z]/g;

describe("consoleReporter", () => {
  it("prints plain lines when not on a terminal: start, verdicts with criteria, failure transcripts, summary", async () => {
    const stream = captureStream(false);
    const bus = createEventBus({ reporters: [consoleReporter({ stream, env: {} })] });
    for (const events of [
      fakeRunEvents({ runId: "1", name: "Happy path", totalTimeMs: 2500 }),
      fakeRunEvents({ runId: "2", name: "Vegetarian", status: "FAILED", reasoning: "Never gave a recipe." }),
      fakeRunEvents({ runId: "3", name: "Broken agent", status: "ERROR", error: "[MyAgent] socket hang up" }),
      fakeRunEvents({ runId: "4", name: "Stopped", status: "CANCELLED" }),
    ]) {
      for (const event of events) bus.publish(event);
    }
    await bus.endSuite();
    await bus.drain();
    const output = stream.text();
    expect(output).not.toMatch(ANSI);
    expect(output).toContain("RUN   Happy path");
    // The fixture's runs carry no prices: their tokens show, their cost is unknown, never $0.
    expect(output).toContain("✓ PASS  Happy path (default · 2 turns · 2.5s · 120 tokens · cost unknown)");
    expect(output).toContain("✗ FAIL  Vegetarian");
    expect(output).toContain("    Never gave a recipe.");
    expect(output).toContain("    ✗ Agent gives a recipe\n      No recipe in any reply.");
    expect(output).toContain("! ERROR Broken agent");
    expect(output).toContain("Error: [MyAgent] socket hang up");
    expect(output).toContain("⊘ CANCELLED Stopped");

    const passBlock = output.slice(output.indexOf("✓ PASS"), output.indexOf("✗ FAIL"));
    expect(passBlock).not.toContain("Transcript:");
    const failBlock = output.slice(output.indexOf("✗ FAIL"), output.indexOf("! ERROR"));
    expect(failBlock).toContain("Transcript:");
    expect(failBlock).toContain("      User: Give me a vegetarian recipe");
    expect(failBlock).toContain('      Agent calls search_recipes({"diet":"vegetarian"})');
    expect(failBlock).toContain('      search_recipes returned: {"results":["shakshuka"]}');

    expect(output).toContain("Scenarios  1 passed · 1 failed · 1 errored · 1 cancelled (4 total)");
    expect(output).toMatch(/Time {7}\d/);
    expect(output).toContain("Tokens     480 (input 400 · output 80)");
    expect(output).toContain("Cost       cost unknown (Agent cost unknown (280 tokens))");
  });

  it("prints each run's cost and the suite's cost per role and in total", async () => {
    const stream = captureStream(false);
    const bus = createEventBus({ reporters: [consoleReporter({ stream, env: {} })] });
    for (const runId of ["1", "2"]) {
      for (const event of fakeRunEvents({ runId, name: `Priced ${runId}`, totalTimeMs: 1000 })) {
        if (event.type === "SCENARIO_RUN_FINISHED") {
          event.usage = {
            inputTokens: 100,
            outputTokens: 20,
            totalTokens: 120,
            costUsd: 0.0015,
            byRole: {
              Agent: { inputTokens: 60, outputTokens: 10, totalTokens: 70, costUsd: 0.001 },
              Judge: { inputTokens: 40, outputTokens: 10, totalTokens: 50, costUsd: 0.0005 },
            },
          };
        }
        bus.publish(event);
      }
    }
    await bus.endSuite();
    await bus.drain();
    const output = stream.text();
    expect(output).toContain("✓ PASS  Priced 1 (default · 2 turns · 1.0s · 120 tokens · $0.00150)");
    expect(output).toContain("Cost       $0.00300 (Agent $0.00200 · Judge $0.00100)");
  });

  it("names flaky scenarios in the summary", async () => {
    const stream = captureStream(false);
    const bus = createEventBus({ reporters: [consoleReporter({ stream, env: {} })] });
    for (const event of fakeRunEvents({ runId: "1", scenarioId: "checkout" })) bus.publish(event);
    for (const event of fakeRunEvents({ runId: "2", scenarioId: "checkout", status: "FAILED" }))
      bus.publish(event);
    await bus.endSuite();
    await bus.drain();
    expect(stream.text()).toContain("Flaky      checkout");
  });

  it("strips terminal escapes from conversation content", async () => {
    const stream = captureStream(false);
    const bus = createEventBus({ reporters: [consoleReporter({ stream, env: {} })] });
    const events = fakeRunEvents({
      runId: "1",
      status: "FAILED",
      messages: [{ id: "1", role: "assistant", content: "ok\u001b[2J\u001b]0;pwned\u0007 done" }],
    });
    for (const event of events) bus.publish(event);
    await bus.drain();
    expect(stream.text()).toContain("Agent: ok[2J]0;pwned done");
    expect(stream.text()).not.toContain("\u001b");
  });

  it("on a terminal keeps a live view of runs in progress, with colours, and clears its timer on flush", async () => {
    const stream = captureStream(true);
    let clock = 1_000;
    const reporter = consoleReporter({ stream, env: {}, now: () => clock, refreshIntervalMs: 20 });
    const bus = createEventBus({ reporters: [reporter] });
    const events = fakeRunEvents({ runId: "1", name: "Live one", status: "FAILED" });
    bus.publish(events[0]!);
    bus.publish(events[1]!);
    bus.publish(events[2]!);
    await new Promise((done) => setTimeout(done, 10));
    clock += 3_400;
    // Let log-update load and the refresh timer tick.
    await new Promise((done) => setTimeout(done, 150));
    const live = stream.text().replace(ANSI, "");
    expect(live).toContain("Live one (default) · turn 1 · 3.4s");
    expect(live).toContain("1 running");
    expect(live).not.toContain("RUN ");
    for (const event of events.slice(3)) bus.publish(event);
    await bus.drain();
    const output = stream.text();
    expect(output).toMatch(ANSI);
    expect(output.replace(ANSI, "")).toContain("✗ FAIL  Live one");
    const lengthAfterDrain = output.length;
    await new Promise((done) => setTimeout(done, 80));
    expect(stream.text().length).toBe(lengthAfterDrain);
  });

  it("redraws the live view at most once per interval, and still prints every verdict when the last run ends", async () => {
    const stream = captureStream(true);
    let writes = 0;
    const countingStream = {
      ...stream,
      write(chunk: string) {
        writes += 1;
        return stream.write(chunk);
      },
    };
    // A clock that never moves and an interval no test waits for: only the first event may redraw.
    const reporter = consoleReporter({
      stream: countingStream,
      env: {},
      now: () => 5_000,
      refreshIntervalMs: 60_000,
    });
    const bus = createEventBus({ reporters: [reporter] });
    const first = fakeRunEvents({ runId: "1", name: "First run" });
    const second = fakeRunEvents({ runId: "2", name: "Second run", status: "FAILED" });
    bus.publish(first[0]!);
    // log-update loads asynchronously; wait (bounded) until the live view has drawn once.
    for (let attempt = 0; attempt < 200 && !stream.text().includes("running"); attempt++) {
      await new Promise((done) => setTimeout(done, 5));
    }
    expect(stream.text().replace(ANSI, "")).toContain("1 running");
    const writesBeforeBurst = writes;
    bus.publish(second[0]!);
    for (let burst = 0; burst < 50; burst++) {
      for (const event of [...first.slice(1, -1), ...second.slice(1, -1)]) bus.publish(event);
    }
    bus.publish(first.at(-1)!);
    await new Promise((done) => setImmediate(done));
    // Hundreds of events, one run finished, and not one redraw: the frozen clock never allows it.
    expect(writes).toBe(writesBeforeBurst);
    expect(stream.text()).not.toContain("PASS");

    bus.publish(second.at(-1)!);
    await bus.endSuite();
    const output = stream.text().replace(ANSI, "");
    expect(output).toContain("✓ PASS  First run");
    expect(output).toContain("✗ FAIL  Second run");
    expect(output.indexOf("✓ PASS  First run")).toBeLessThan(output.indexOf("✗ FAIL  Second run"));
    expect(output).toContain("1 passed · 1 failed");
    await bus.drain();
  });

  it("appends plain lines on a terminal in CI, and drops colours under NO_COLOR", async () => {
    const inCi = captureStream(true);
    const ciBus = createEventBus({ reporters: [consoleReporter({ stream: inCi, env: { CI: "true" } })] });
    for (const event of fakeRunEvents({ runId: "1", name: "In CI" })) ciBus.publish(event);
    await ciBus.drain();
    expect(inCi.text().replace(ANSI, "")).toContain("RUN   In CI\n");
    expect(inCi.text()).toContain(`\u001b[32m✓ PASS \u001b[39m`);

    const noColor = captureStream(true);
    const bus = createEventBus({
      reporters: [consoleReporter({ stream: noColor, env: { NO_COLOR: "1" }, live: false })],
    });
    for (const event of fakeRunEvents({ runId: "1", name: "No colour" })) bus.publish(event);
    await bus.drain();
    expect(noColor.text()).toContain("✓ PASS  No colour");
    expect(noColor.text()).not.toMatch(ANSI);
  });
});
