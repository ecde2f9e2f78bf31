import { join } from "node:path";
import type { ScriptStep } from "@scenario/kit";
import { isVoiceAgentAdapter, type VoiceRecording } from "@scenario/spec";
import { saveVoiceRecording } from "@scenario/voice";

/**
 * A script step that saves the call so far (one WAV of the whole call, one per segment, and a
 * manifest with the timeline and latency) under `dir/<scenario id>-<time>/`, and prints a summary.
 */
export function saveCallRecording(
  dir: string | (() => string),
  options: { print?: boolean } = {},
): ScriptStep {
  return async (state, execution) => {
    const adapter = execution.agents.find(isVoiceAgentAdapter);
    const artifacts = await adapter?.collectArtifacts?.();
    const recording = artifacts?.voice as VoiceRecording | undefined;
    if (recording === undefined)
      throw new Error("saveCallRecording() needs a voice agent adapter that records the call.");
    const folder = join(
      typeof dir === "function" ? dir() : dir,
      `${state.config.id ?? "call"}-${Date.now()}`,
    );
    const saved = await saveVoiceRecording(recording, folder);
    if (options.print !== false) {
      const { latency } = recording;
      const interrupts = recording.timeline.filter((event) => event.type === "user-interrupt");
      console.log(
        `Saved the call to ${saved.callFile} (${recording.segments.length} segments). ` +
          `Time to first audio: ${latency.timeToFirstAudioMs.map((ms) => `${Math.round(ms)} ms`).join(", ")}; ` +
          `barge-ins: ${interrupts.map((event) => event.outcome).join(", ") || "none"}.`,
      );
    }
  };
}
