import { agent, succeed, user } from "@scenario/script";
import { transcriptOf } from "@scenario/voice";
import { describe, expect, it } from "vitest";
import { elevenLabsAgent } from "../src";
import { runScenario, voiceRecordingOf } from "./elevenlabs-test-helpers";

// Against a real ElevenLabs agent: runs only with ELEVENLABS_API_KEY and ELEVENLABS_AGENT_ID set
// (the agent must allow text input; it may speak a first message). Everything else in this folder
// runs offline against the fake.

const apiKey = process.env.ELEVENLABS_API_KEY ?? "";
const agentId = process.env.ELEVENLABS_AGENT_ID ?? "";
const live = apiKey !== "" && agentId !== "";
if (!live) {
  console.info(
    "Skipping the live ElevenLabs test: set ELEVENLABS_API_KEY and ELEVENLABS_AGENT_ID to run it against a real agent.",
  );
}

describe("elevenLabsAgent: live, against ElevenLabs", () => {
  it.skipIf(!live)(
    "talks to the real agent: its audio is recorded and its words reach the messages (needs ELEVENLABS_API_KEY and ELEVENLABS_AGENT_ID)",
    async () => {
      const { result, error, events } = await runScenario(
        [elevenLabsAgent({ agentId, silenceTailMs: 2500, firstAudioTimeoutMs: 20_000 })],
        [user("Hello! In one sentence, what can you help me with?"), agent(), succeed()],
      );
      expect(error).toBeUndefined();
      const recording = voiceRecordingOf(result);
      const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
      expect(agentSegments.length).toBeGreaterThan(0);
      expect(agentSegments.every((segment) => segment.audio.byteLength > 0)).toBe(true);
      const said = result!.messages.filter((message) => message.role === "assistant").map(transcriptOf);
      expect(said.join(" ").trim()).not.toBe("");
      expect(JSON.stringify(events)).not.toContain(apiKey);
    },
    60_000,
  );
});
