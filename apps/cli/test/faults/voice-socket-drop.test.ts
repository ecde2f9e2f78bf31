import { copyFileSync, mkdirSync, readdirSync, readFileSync, symlinkSync } from "node:fs";
import { join } from "node:path";
import { type FakeRealtimeServer, startFakeRealtimeServer } from "@scenario/testing/realtime";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { assertCliBuilt, finishedRuns, runCli, temporaryDirectory } from "../cli-harness";

const REPOSITORY = join(import.meta.dirname, "..", "..", "..", "..");
const FIXTURE = join(import.meta.dirname, "fixtures", "voice-socket-drop");
const API_KEY = "sk-test-fault-voice-secret-0123456789";

// The CLI does not depend on the voice packages, so the scenario runs in a project of its own
// whose node_modules link the workspace packages it imports, as a user's install would have them.
const LINKED_PACKAGES: Record<string, string> = {
  "@scenario/kit": "packages/kit",
  "@scenario/testing": "packages/testing",
  "@scenario/voice": "packages/voice",
  "@scenario/voice-openai-realtime": "packages/voice-openai-realtime",
};

const servers: FakeRealtimeServer[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => server.close()));
});

beforeAll(() => {
  assertCliBuilt();
});

describe("fault: a voice socket dropped mid-reply", () => {
  it("errors that run with the reason, leaves the other runs alone, and the process exits", async () => {
    const dropping = await startFakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      chunkMs: 50,
      reply: () => ({
        transcript: "A long answer that never gets to its end.",
        fault: { type: "close", afterDeltas: 2, abrupt: true },
      }),
    });
    const healthy = await startFakeRealtimeServer({
      paceFactor: Number.POSITIVE_INFINITY,
      reply: "Hello, this is the bank.",
    });
    servers.push(dropping, healthy);

    const project = temporaryDirectory("scenario-fault-voice-");
    try {
      for (const file of readdirSync(FIXTURE)) copyFileSync(join(FIXTURE, file), join(project.path, file));
      for (const [name, folder] of Object.entries(LINKED_PACKAGES)) {
        const link = join(project.path, "node_modules", name);
        mkdirSync(join(link, ".."), { recursive: true });
        symlinkSync(join(REPOSITORY, folder), link, "dir");
      }
      const output = join(project.path, "reports");
      const result = await runCli(["run", "-o", output], {
        cwd: project.path,
        timeoutMs: 120_000,
        env: {
          FAKE_REALTIME_DROPPING_URL: dropping.url,
          FAKE_REALTIME_HEALTHY_URL: healthy.url,
          FAKE_REALTIME_API_KEY: API_KEY,
        },
      });

      // The process exited on its own (not killed at the harness's bound), and the suite failed.
      expect(result.signal).toBeNull();
      expect(result.code).toBe(1);
      const runs = finishedRuns(join(output, "events.jsonl"));
      const statusOf = Object.fromEntries(runs.map((run) => [run.scenarioId, run.status]));
      expect(statusOf).toEqual({
        "voice-reply-cut-mid-way": "ERROR",
        "voice-reply-in-full": "SUCCESS",
        "text-beside-the-calls": "SUCCESS",
      });
      const cut = runs.find((run) => run.scenarioId === "voice-reply-cut-mid-way") as unknown as {
        results: { error?: string };
      };
      expect(cut.results.error).toMatch(/closed in the middle of a reply/);
      expect(dropping.responses[0]).toMatchObject({ outcome: "connection-closed", deltaCount: 2 });

      // The key the agent sent never shows up in the console or the reports.
      const everything = [
        result.stdout,
        result.stderr,
        readFileSync(join(output, "events.jsonl"), "utf8"),
        readFileSync(join(output, "junit.xml"), "utf8"),
        readFileSync(join(output, "index.html"), "utf8"),
      ].join("\n");
      expect(everything).not.toContain(API_KEY);
    } finally {
      project.remove();
    }
  }, 150_000);
});
