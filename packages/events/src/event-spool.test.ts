import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { ScenarioEvent } from "@scenario/spec";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { fakeRunEvents } from "../test/fixtures";
import { type EventSpool, openEventSpool, type SpoolEntry } from "./event-spool";
import { scenarioEventId } from "./scenario-event-id";

const header = { scenarioSpool: 1 as const, endpoint: "http://collector.test", projectId: null };
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "scenario-spool-"));
});
afterEach(() => {
  rmSync(dir, { recursive: true, force: true });
});

function manyEvents(runs: number): ScenarioEvent[] {
  return Array.from({ length: runs }, (_, index) => fakeRunEvents({ runId: `r${index}` })).flat();
}

function drainAll(spool: EventSpool): SpoolEntry[] {
  const entries: SpoolEntry[] = [];
  for (let entry = spool.next(); entry !== undefined; entry = spool.next()) entries.push(entry);
  return entries;
}

function fileLines(): string[] {
  return readdirSync(dir).flatMap((name) =>
    readFileSync(join(dir, name), "utf8")
      .split("\n")
      .filter((line) => line !== ""),
  );
}

describe("openEventSpool", () => {
  it("cuts the acknowledged prefix off a long-lived file and still hands out the rest intact", () => {
    const spool = openEventSpool({ dir, header, compactPrefixBytes: 2048 });
    const events = manyEvents(20);
    for (const event of events) spool.append(event);
    const entries = drainAll(spool);
    expect(entries.map((entry) => entry.event.eventId)).toEqual(events.map(scenarioEventId));
    const [ownFile] = readdirSync(dir);
    const sizeBefore = statSync(join(dir, ownFile!)).size;
    // Acknowledge the first 60: the prefix passes the threshold and is cut off while the run goes on.
    for (const entry of entries.slice(0, 60)) spool.settle(entry);
    expect(statSync(join(dir, ownFile!)).size).toBeLessThan(sizeBefore);
    // Appends after the compaction land in the rewritten file and are handed out in order.
    const later = fakeRunEvents({ runId: "later" });
    for (const event of later) spool.append(event);
    expect(drainAll(spool).map((entry) => entry.event)).toEqual(
      later.map((event) => ({ ...event, eventId: scenarioEventId(event) })),
    );
    // Settle some out of order after the compaction; the file keeps exactly the others.
    const remaining = entries.slice(60);
    for (const entry of remaining.filter((_, index) => index % 3 === 0)) spool.settle(entry);
    const kept = remaining.filter((_, index) => index % 3 !== 0).map((entry) => entry.event.eventId);
    const { kept: keptCount } = spool.close();
    const onDisk = fileLines()
      .slice(1)
      .map((line) => (JSON.parse(line) as ScenarioEvent).eventId);
    expect(onDisk).toEqual([...kept, ...later.map(scenarioEventId)]);
    expect(keptCount).toBe(onDisk.length);
    expect(readdirSync(dir).every((name) => name.endsWith(".jsonl"))).toBe(true);
  });

  it("a new spool claims the file and hands out only what was not settled, oldest first", () => {
    const first = openEventSpool({ dir, header });
    const events = manyEvents(3);
    for (const event of events) first.append(event);
    const entries = drainAll(first);
    first.settle(entries[1]!);
    first.settle(entries[4]!);
    first.close();

    const second = openEventSpool({ dir, header });
    expect(second.backlogFiles()).toBe(1);
    const resent = drainAll(second).map((entry) => entry.event.eventId);
    const expected = events.map(scenarioEventId).filter((_, index) => index !== 1 && index !== 4);
    expect(resent).toEqual(expected);
    // Claimed: a third process starting now finds nothing to send.
    expect(drainAll(openEventSpool({ dir, header }))).toEqual([]);
  });

  it("deletes an earlier run's file once every event in it is settled", () => {
    const first = openEventSpool({ dir, header });
    for (const event of manyEvents(2)) first.append(event);
    first.close();
    const second = openEventSpool({ dir, header });
    for (const entry of drainAll(second)) second.settle(entry);
    expect(readdirSync(dir)).toEqual([]);
    expect(second.close().kept).toBe(0);
  });

  it("skips a torn last line left by a crash, and keeps every whole one", () => {
    const first = openEventSpool({ dir, header });
    const events = manyEvents(1);
    for (const event of events) first.append(event);
    first.close();
    const [name] = readdirSync(dir);
    const path = join(dir, name!);
    const text = readFileSync(path, "utf8");
    writeFileSync(path, `${text}{"type":"SCENARIO_RUN_STA`);
    const second = openEventSpool({ dir, header });
    expect(drainAll(second).map((entry) => entry.event.eventId)).toEqual(events.map(scenarioEventId));
  });
});
