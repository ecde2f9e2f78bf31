import { existsSync, readdirSync, readFileSync } from "node:fs";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { scenarioEventId } from "@scenario/events";
import type { ScenarioEvent } from "@scenario/spec";
import { afterEach, beforeAll, vi } from "vitest";
import { assertCliBuilt, readEvents, temporaryDirectory } from "../cli-harness";

/** The fixture project: quick script-only scenarios, and two that hang (selected by path). */
export const COLLECTOR_FIXTURE = join(import.meta.dirname, "collector-fixture");

/** A key the CLI processes get; the tests check it never shows up in their output. */
export const COLLECTOR_API_KEY = "lw-test-key-0123456789abcdef";

const EVENT_TYPES = new Set(["SCENARIO_RUN_STARTED", "SCENARIO_MESSAGE_SNAPSHOT", "SCENARIO_RUN_FINISHED"]);

/**
 * The ids of every event the run emitted, from its events.jsonl (written line by line, so it is
 * complete even after a second Ctrl-C): the same ids the HTTP reporter gives them.
 */
export function emittedEventIds(outputDir: string): string[] {
  return readEvents(join(outputDir, "events.jsonl"))
    .filter((event) => EVENT_TYPES.has(event.type))
    .map((event) => scenarioEventId(event as unknown as ScenarioEvent));
}

/** The ids of the events in the spool folder, one entry per line (duplicates kept). */
export function spooledEventIds(spoolDir: string): string[] {
  if (!existsSync(spoolDir)) return [];
  return readdirSync(spoolDir).flatMap((name) =>
    readFileSync(join(spoolDir, name), "utf8")
      .split("\n")
      .slice(1)
      .filter((line) => line !== "")
      .map((line) => (JSON.parse(line) as ScenarioEvent).eventId ?? "(no id)"),
  );
}

/** Ids carried by request bodies. */
export function idsOfBodies(bodies: readonly string[]): string[] {
  return bodies.map((body) => (JSON.parse(body) as ScenarioEvent).eventId ?? "(no id)");
}

/** A port nothing listens on: the collector is down (connection refused). */
export async function unusedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((done) => server.listen(0, "127.0.0.1", done));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((done) => server.close(() => done()));
  return port;
}

/** The environment that points the CLI's HTTP reporter at `endpoint` with its spool in `spoolDir`. */
export function collectorEnv(
  endpoint: string,
  spoolDir: string,
  extra: Record<string, string> = {},
): Record<string, string> {
  return {
    LANGWATCH_API_KEY: COLLECTOR_API_KEY,
    LANGWATCH_ENDPOINT: endpoint,
    COLLECTOR_SPOOL_DIR: spoolDir,
    ...extra,
  };
}

/** Waits (bounded) until `check` holds; false if it never did. */
export async function waitUntil(check: () => boolean, attempts = 600, intervalMs = 50): Promise<boolean> {
  for (let attempt = 0; attempt < attempts; attempt += 1) {
    if (check()) return true;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
  return check();
}

/** What a collector fault test file gets from `collectorTestHooks()`. */
export interface CollectorTestHooks {
  /** Closes the collector after the test. */
  closeAfterTest<T extends { close(): Promise<void> }>(collector: T): T;
  /** A fresh folder, removed after the test. */
  temporaryDirectory(prefix: string): { path: string; remove(): void };
}

/**
 * The hooks every collector fault test file needs: room for spawning the CLI on a loaded machine
 * (`testTimeoutMs`), the CLI built before the first test, and after each test the collectors it
 * started closed and the folders it made removed.
 */
export function collectorTestHooks(testTimeoutMs: number): CollectorTestHooks {
  vi.setConfig({ testTimeout: testTimeoutMs });
  beforeAll(() => {
    assertCliBuilt();
  });
  const cleanups: Array<() => void | Promise<void>> = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });
  return {
    closeAfterTest(collector) {
      cleanups.push(() => collector.close());
      return collector;
    },
    temporaryDirectory(prefix) {
      const folder = temporaryDirectory(prefix);
      cleanups.push(() => folder.remove());
      return folder;
    },
  };
}
