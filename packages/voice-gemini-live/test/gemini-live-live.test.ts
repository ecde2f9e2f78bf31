import { agent, succeed, user } from "@scenario/script";
import { fliteSpeech, transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { geminiLiveAgent } from "../src";
import { runScenario, voiceRecordingOf } from "./gemini-live-test-helpers";

// Against the real Gemini Live API: runs only with GEMINI_API_KEY set (GEMINI_LIVE_MODEL picks
// another model). Everything else in this folder runs offline against the fake.

const apiKey = process.env.GEMINI_API_KEY ?? "";
const live = apiKey !== "";
if (!live) {
  console.info("Skipping the live Gemini Live test: set GEMINI_API_KEY to run it against the real API.");
}

describe("geminiLiveAgent: live, against the Gemini Live API", () => {
  it.skipIf(!live)(
    "hears a spoken question and answers in audio with a transcript, reporting usage (needs GEMINI_API_KEY)",
    async () => {
      const { result, error, events } = await runScenario(
        [
          geminiLiveAgent({
            ...(process.env.GEMINI_LIVE_MODEL !== undefined && { model: process.env.GEMINI_LIVE_MODEL }),
            systemInstruction: "You are a friendly phone assistant. Answer in one short sentence.",
            speech: fliteSpeech(),
            firstAudioTimeoutMs: 20_000,
            silenceTailMs: 3000,
          }),
        ],
        [user("Hello! What is the capital of France?"), agent(), succeed()],
      );
      expect(error).toBeUndefined();
      const recording = voiceRecordingOf(result);
      const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
      expect(agentSegments.length).toBeGreaterThan(0);
      expect(agentSegments.every((segment) => segment.audio.byteLength > 0)).toBe(true);
      const said = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
      expect(said.join(" ").trim()).not.toBe("");
      expect(result?.usage.byRole.Agent?.totalTokens ?? 0).toBeGreaterThan(0);
      expect(JSON.stringify([result, events])).not.toContain(apiKey);
    },
    60_000,
  );
});
