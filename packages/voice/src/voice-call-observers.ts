import type { ScenarioConfig, VoiceAudioChunk, VoiceSpeaker, VoiceTimelineEvent } from "@scenario/spec";
import { type AudioPlayback, startAudioPlayback } from "./audio-playback";
import type { RecorderHooks } from "./voice-call";

/** What watches one call as it is recorded: the scenario's hooks and its live playback. */
export interface VoiceCallObservers {
  /** The hooks to give the call's recorder. */
  readonly hooks: RecorderHooks;
  /** Stops the playback (bounded wait); safe to call twice. */
  close(): Promise<void>;
}

/**
 * Builds the observers of one call from the scenario's `onAudioChunk`, `onVoiceEvent` and
 * `audioPlayback`. A hook that throws is reported once per call (through `warn`) and then
 * ignored, so a bug in a debugging aid never fails the scenario it is watching.
 */
export function openVoiceCallObservers(
  config: Pick<ScenarioConfig, "onAudioChunk" | "onVoiceEvent" | "audioPlayback">,
  adapterName: string,
  warn: (message: string) => void = (message) => console.warn(message),
): VoiceCallObservers {
  const { onAudioChunk, onVoiceEvent, audioPlayback } = config;
  const playback: AudioPlayback | undefined =
    audioPlayback === undefined || audioPlayback === false
      ? undefined
      : startAudioPlayback(audioPlayback === true ? {} : audioPlayback);
  const reported = new Set<string>();
  const guarded = <Value>(name: string, hook: ((value: Value) => void) | undefined) => {
    if (hook === undefined) return undefined;
    return (value: Value) => {
      try {
        hook(value);
      } catch (error) {
        if (reported.has(name)) return;
        reported.add(name);
        const reason = error instanceof Error ? error.message : String(error);
        warn(
          `[scenario] ${name} threw while watching ${adapterName}'s call: ${reason}. ` +
            "The run goes on; further errors of this callback in this call are not reported.",
        );
      }
    };
  };
  const audioHook = guarded("onAudioChunk", onAudioChunk);
  const eventHook = guarded("onVoiceEvent", onVoiceEvent);
  const hooks: RecorderHooks = {};
  if (audioHook !== undefined || playback !== undefined) {
    hooks.onAudio = (speaker: VoiceSpeaker, pcm: Uint8Array, atMs: number) => {
      const chunk = (): VoiceAudioChunk => ({
        speaker,
        format: "pcm16-24khz",
        timestampMs: atMs,
        data: pcm.slice(),
      });
      playback?.write(chunk());
      audioHook?.(chunk());
    };
  }
  if (eventHook !== undefined) hooks.onEvent = (event: VoiceTimelineEvent) => eventHook(event);
  return {
    hooks,
    close: async () => {
      await playback?.close();
    },
  };
}
