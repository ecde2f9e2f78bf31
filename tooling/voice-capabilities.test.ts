import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import {
  capabilityRecordsOf,
  collectRows,
  README_PATH,
  renderCapabilityTable,
  TABLE_END,
  TABLE_START,
  voiceAdapterPackages,
  withCapabilityTable,
} from "./capability-table.mjs";

// Every packages/voice-* package that exports a `VoiceCapabilities` record gets a row in the
// README's table; a new adapter package needs no edit here. Fix a failure with either
//   UPDATE_VOICE_CAPABILITIES=1 npx vitest run tooling/voice-capabilities.test.ts   (from source)
//   node tooling/pnpm.mjs --filter "@scenario/voice-*" build && node tooling/capability-table.mjs

const FIX =
  "The README's capability table is out of date: run `UPDATE_VOICE_CAPABILITIES=1 npx vitest run " +
  "tooling/voice-capabilities.test.ts` (or build the voice packages and run `node tooling/capability-table.mjs`).";

/** A package's exports, read from its source so the test needs no build. */
async function sourceExports(packageDir: string): Promise<Record<string, unknown>> {
  return import(pathToFileURL(join(packageDir, "src", "index.ts")).href);
}

describe("the README's voice capability table", () => {
  it("matches the capability records the voice adapter packages export", async () => {
    const rows = await collectRows(sourceExports);
    // The OpenAI Realtime adapter exists today; others join as they export a record.
    expect(rows.map((row: { packageName: string }) => row.packageName)).toContain(
      "@scenario/voice-openai-realtime",
    );
    // composableAgent() from @scenario/voice counts as an adapter too.
    expect(rows).toContainEqual(
      expect.objectContaining({ packageName: "@scenario/voice", exportName: "composableAgentCapabilities" }),
    );
    const readme = readFileSync(README_PATH, "utf8");
    const expected = withCapabilityTable(readme, renderCapabilityTable(rows));
    // biome-ignore lint/suspicious/noUndeclaredEnvVars: a developer's switch to rewrite the table, never set in CI
    if (process.env.UPDATE_VOICE_CAPABILITIES === "1" && expected !== readme) {
      writeFileSync(README_PATH, expected);
      return;
    }
    const section = (text: string) => text.slice(text.indexOf(TABLE_START), text.indexOf(TABLE_END));
    expect(section(readme), FIX).toBe(section(expected));
  });

  it("finds the adapter packages by their folder name", () => {
    const names = voiceAdapterPackages().map((entry: { name: string }) => entry.name);
    expect(names).toContain("@scenario/voice-openai-realtime");
    expect(names).not.toContain("@scenario/voice");
  });

  it("renders one row per record, with formats and yes/no cells", () => {
    const capabilities = {
      inputAudioFormat: { encoding: "mulaw", sampleRateHz: 8000 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: 16_000, channels: 2 },
      bargeIn: "on-user-speech",
      serverVad: true,
      realtimeInput: true,
      toolCalls: false,
      toolResults: false,
      dtmf: true,
      textInput: false,
      agentTranscripts: false,
      userTranscripts: true,
      replyEnd: false,
    };
    const records = capabilityRecordsOf({
      phoneCapabilities: capabilities,
      other: 1,
      phoneAgent: () => null,
    });
    expect(records).toEqual([{ exportName: "phoneCapabilities", capabilities }]);
    const table = renderCapabilityTable([{ packageName: "@x/voice-phone", ...records[0] }]);
    // Cells padded to their column's width, as biome formats markdown tables.
    const cells = (line: string | undefined) => line?.split("|").map((cell) => cell.trim());
    expect(cells(table.split("\n")[2])).toEqual(
      cells(
        "| `@x/voice-phone` (`phoneCapabilities`) | mulaw 8 kHz | pcm16 16 kHz ×2 | on-user-speech | ✓ | ✓ | — | — | ✓ | — | — | ✓ | — |",
      ),
    );
    const lines = table.split("\n");
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
    expect(lines[1]).toMatch(/^\| -+ \| -+ \|/);
  });
});
