import {
  AgentRole,
  ConfigurationError,
  isVoiceAgentAdapter,
  type ScenarioExecutionLike,
  ScriptError,
  type ScriptStep,
  type VoiceAgentAdapterLike,
  type VoiceRecording,
} from "@scenario/spec";

/** What a timing assertion measures. */
export interface VoiceTimingOptions {
  /**
   * `"turn"`: the latest measurement (the last reply, or the last barge-in). `"run"`: the 95th
   * percentile (nearest rank) of every measurement of the call so far.
   * @default "turn"
   */
  over?: "turn" | "run";
}

/** The outcome of a timing check: what was measured against what limit, in words and numbers. */
export interface VoiceTimingCheck {
  /** Whether the measured value is within the limit. */
  passed: boolean;
  /** The value compared with the limit, in milliseconds; undefined when nothing was measured. */
  measuredMs: number | undefined;
  /** The limit, in milliseconds. */
  limitMs: number;
  /** Every measurement the check looked at, in milliseconds, in call order. */
  samplesMs: number[];
  /** What was measured and how it compares with the limit, for a failure's reasoning. */
  message: string;
}

interface TimingKind {
  step: string;
  samples: (recording: VoiceRecording) => number[];
  what: string;
  whatPlural: string;
  none: string;
}

const FIRST_AUDIO: TimingKind = {
  step: "expectFirstAudioWithin",
  samples: (recording) => recording.latency.timeToFirstAudioMs,
  what: "the agent's first audio came",
  whatPlural: "time to first audio",
  none: "no reply of the agent has been measured yet: put the step after an agent turn",
};

const STOPS_SPEAKING: TimingKind = {
  step: "expectStopsSpeakingWithin",
  samples: (recording) => recording.latency.interruptResponseTimesMs,
  what: "the agent stopped speaking",
  whatPlural: "interrupt response time",
  none:
    "no barge-in has been measured yet: put the step after an interrupt() (the transport must confirm " +
    "the stop, capabilities.replyEnd)",
};

function assertLimit(step: string, ms: number, options: VoiceTimingOptions): void {
  if (typeof ms !== "number" || !Number.isFinite(ms) || ms < 0) {
    throw new ConfigurationError(`${step}(): pass a limit in milliseconds >= 0, got ${String(ms)}.`);
  }
  if (options.over !== undefined && options.over !== "turn" && options.over !== "run") {
    throw new ConfigurationError(
      `${step}(): \`over\` is "turn" or "run", got ${JSON.stringify(options.over)}.`,
    );
  }
}

/** Nearest rank: always a measured value, never an interpolation. */
function percentile95(values: readonly number[]): number {
  const sorted = [...values].sort((left, right) => left - right);
  return sorted[Math.max(1, Math.ceil(0.95 * sorted.length)) - 1]!;
}

const round = (ms: number) => Math.round(ms);

function check(
  kind: TimingKind,
  recording: VoiceRecording,
  limitMs: number,
  options: VoiceTimingOptions,
): VoiceTimingCheck {
  assertLimit(kind.step, limitMs, options);
  const samplesMs = [...kind.samples(recording)];
  const call = `${kind.step}(${limitMs}${options.over === "run" ? ', { over: "run" }' : ""})`;
  if (samplesMs.length === 0) {
    return { passed: false, measuredMs: undefined, limitMs, samplesMs, message: `${call}: ${kind.none}.` };
  }
  if (options.over === "run") {
    const measuredMs = percentile95(samplesMs);
    const passed = measuredMs <= limitMs;
    const message =
      `${call}: the p95 ${kind.whatPlural} over ${samplesMs.length} measurement(s) is ${round(measuredMs)} ms ` +
      `(${samplesMs.map(round).join(", ")} ms), ${passed ? "within" : "over"} the limit of ${limitMs} ms.`;
    return { passed, measuredMs, limitMs, samplesMs, message };
  }
  const measuredMs = samplesMs.at(-1)!;
  const passed = measuredMs <= limitMs;
  const message =
    `${call}: ${kind.what} after ${round(measuredMs)} ms (measurement ${samplesMs.length} of the call), ` +
    `${passed ? "within" : "over"} the limit of ${limitMs} ms.`;
  return { passed, measuredMs, limitMs, samplesMs, message };
}

/**
 * Checks a call's time to first audio (from the end of the caller's turn to the agent's first
 * audio) against `limitMs`: the latest turn's, or with `{ over: "run" }` the p95 over the call.
 * Use it on `result.artifacts.voice` after a run; the `expectFirstAudioWithin()` step uses it during one.
 */
export function checkFirstAudioWithin(
  recording: VoiceRecording,
  limitMs: number,
  options: VoiceTimingOptions = {},
): VoiceTimingCheck {
  return check(FIRST_AUDIO, recording, limitMs, options);
}

/**
 * Checks a call's interrupt response time (from a barge-in to the far side's confirmation that the
 * agent stopped) against `limitMs`: the latest barge-in's, or with `{ over: "run" }` the p95.
 */
export function checkStopsSpeakingWithin(
  recording: VoiceRecording,
  limitMs: number,
  options: VoiceTimingOptions = {},
): VoiceTimingCheck {
  return check(STOPS_SPEAKING, recording, limitMs, options);
}

function findVoiceAdapter(execution: ScenarioExecutionLike): VoiceAgentAdapterLike | undefined {
  const voiceAdapters = execution.agents.filter(isVoiceAgentAdapter);
  return voiceAdapters.find((adapter) => adapter.role === AgentRole.AGENT) ?? voiceAdapters[0];
}

function isVoiceRecording(value: unknown): value is VoiceRecording {
  const latency = (value as Partial<VoiceRecording> | undefined)?.latency;
  return Array.isArray(latency?.timeToFirstAudioMs) && Array.isArray(latency?.interruptResponseTimesMs);
}

/** The call so far, as the voice adapter's artifacts hold it, once the turn in flight has ended. */
async function recordingSoFar(execution: ScenarioExecutionLike, step: string): Promise<VoiceRecording> {
  const adapter = findVoiceAdapter(execution);
  if (adapter === undefined) {
    throw new ScriptError(
      `${step}() needs a voice agent adapter among the scenario's agents (for example composableAgent() or ` +
        "openAIRealtimeAgent()), and there is none.",
    );
  }
  const voice = (await adapter.collectArtifacts?.())?.voice;
  if (!isVoiceRecording(voice)) {
    throw new ScriptError(
      `${step}() found no voice recording on ${adapter.name ?? "the voice adapter"}: its collectArtifacts() ` +
        "must return { voice: VoiceRecording } (voiceTransportAgent() from @scenario/voice does).",
    );
  }
  return voice;
}

function timingStep(kind: TimingKind, limitMs: number, options: VoiceTimingOptions): ScriptStep {
  assertLimit(kind.step, limitMs, options);
  return async (_state, execution) => {
    // The blocking step that does nothing: it lets a turn still in flight finish and be measured.
    const verdict = await execution.proceed(0);
    if (verdict) return verdict;
    const result = check(kind, await recordingSoFar(execution, kind.step), limitMs, options);
    if (!result.passed) return execution.fail(result.message);
    return undefined;
  };
}

/**
 * Fails the run when the agent's first audio came later than `limitMs` after the caller's turn
 * ended: the latest turn's, or with `{ over: "run" }` the p95 over the call so far. The failure's
 * reasoning names the measured value ("... came after 812 ms ..., over the limit of 500 ms").
 */
export function expectFirstAudioWithin(limitMs: number, options: VoiceTimingOptions = {}): ScriptStep {
  return timingStep(FIRST_AUDIO, limitMs, options);
}

/**
 * Fails the run when the agent took longer than `limitMs` to stop speaking after a barge-in (the
 * interrupt response time): the latest barge-in's, or with `{ over: "run" }` the p95 over the call.
 * Put it after an `interrupt()`; the failure's reasoning names the measured value.
 */
export function expectStopsSpeakingWithin(limitMs: number, options: VoiceTimingOptions = {}): ScriptStep {
  return timingStep(STOPS_SPEAKING, limitMs, options);
}
