import { afterEach, beforeEach, expect } from "vitest";

// The harness every voice adapter package's tests share: servers closed after each test, seeded
// noise audio, a scenario run that keeps its events when it rejects, and byte comparisons. Test-only
// and never published, so packages import it by relative path. It imports no workspace package
// (from here they would not resolve): the types it needs are structural, and each package's
// `test/*-test-helpers.ts` binds them to @scenario/spec and @scenario/core.

const closables: Array<{ close(): Promise<void> }> = [];

afterEach(async () => {
  await Promise.all(closables.splice(0).map((closable) => closable.close()));
});

/** Registers `resource` to be closed after the current test, and returns it. */
export function closeAfterTest<T extends { close(): Promise<void> }>(resource: T): T {
  closables.push(resource);
  return resource;
}

/**
 * `count` states of a seeded linear congruential sequence: the same seed always gives the same
 * audio, and any loss, reordering or re-encoding of it shows.
 */
export function seededStates(count: number, seed: number): Uint32Array {
  const states = new Uint32Array(count);
  let state = seed >>> 0 || 1;
  for (let index = 0; index < count; index++) {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    states[index] = state;
  }
  return states;
}

/** `byteLength` bytes following a seeded pseudo-random sequence. */
export function noiseBytes(byteLength: number, seed: number): Uint8Array {
  return Uint8Array.from(seededStates(byteLength, seed), (state) => state >>> 24);
}

/** Milliseconds of PCM16 mono noise (24 kHz unless told): any loss, reordering or resampling shows. */
export function noiseAudio(ms: number, seed: number, sampleRateHz = 24_000): Uint8Array {
  return noiseBytes(Math.round((ms * sampleRateHz) / 1000) * 2, seed);
}

/** Puts each named environment variable back as it was before the test, after every test. */
export function restoreEnvironmentAfterEach(names: readonly string[]): void {
  const saved = new Map<string, string | undefined>();
  beforeEach(() => {
    for (const name of names) saved.set(name, process.env[name]);
  });
  afterEach(() => {
    for (const [name, value] of saved) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
  });
}

/** The lower-case words of `text`, as pocketsphinx spells what it recognised. */
export function recognisedWords(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z ]+/g, "")
    .trim();
}

/**
 * Whether an offline-speech test can run. Without pocketsphinx it skips the test with the install
 * line, except on CI, where pocketsphinx is required and its absence is an error.
 */
export function pocketsphinxOrSkip(available: boolean, context: { skip(note?: string): void }): boolean {
  if (available) return true;
  if (process.env.CI)
    throw new Error("pocketsphinx is required on CI: apt-get install pocketsphinx pocketsphinx-en-us");
  context.skip("pocketsphinx is not installed (apt-get install pocketsphinx pocketsphinx-en-us).");
  return false;
}

/** A scenario execution as the harness uses it: an event stream and a run. */
export interface ObservableExecution<Event, Result> {
  events$: { subscribe(observer: (event: Event) => void): { unsubscribe(): void } };
  execute(): Promise<Result>;
}

/** What a run left behind: its result (or error), its events and the run-finished event. */
export interface VoiceRunOutcome<Event extends { type: string }, Result> {
  result: Result | undefined;
  error: unknown;
  events: Event[];
  finished: Extract<Event, { type: "SCENARIO_RUN_FINISHED" }> | undefined;
}

/** Runs `execution`, keeping its events even when it rejects. */
export async function collectRun<Event extends { type: string }, Result>(
  execution: ObservableExecution<Event, Result>,
): Promise<VoiceRunOutcome<Event, Result>> {
  const events: Event[] = [];
  const subscription = execution.events$.subscribe((event) => events.push(event));
  let result: Result | undefined;
  let error: unknown;
  try {
    result = await execution.execute();
  } catch (caught) {
    error = caught;
  } finally {
    subscription.unsubscribe();
  }
  const finished = events.find(
    (event): event is Extract<Event, { type: "SCENARIO_RUN_FINISHED" }> =>
      event.type === "SCENARIO_RUN_FINISHED",
  );
  return { result, error, events, finished };
}

/** What a scenario needs besides its agents and script: the runner fills in the rest. */
interface ScenarioInput {
  name: string;
  description: string;
  agents: unknown[];
  script?: unknown;
}

/**
 * A `runScenario(agents, script, config)` for one package's tests: builds an `Execution` named by
 * `about`, runs it through {@link collectRun}, and lets `config` override any setting.
 */
export function scenarioRunner<Input extends ScenarioInput, Event extends { type: string }, Result>(
  Execution: new (input: Input) => ObservableExecution<Event, Result>,
  about: Pick<Input, "name" | "description">,
): (
  agents: Input["agents"],
  script: Input["script"] | undefined,
  config?: Partial<Input>,
) => Promise<VoiceRunOutcome<Event, Result>> {
  return (agents, script, config = {}) =>
    collectRun(
      new Execution({ ...about, agents, ...(script !== undefined && { script }), ...config } as Input),
    );
}

/** The voice recording attached to a result; throws when there is none. */
export function voiceRecordingOf<Recording>(
  result: { artifacts: Record<string, unknown> } | undefined,
): Recording {
  const recording = result?.artifacts.voice as Recording | undefined;
  if (recording === undefined) throw new Error("The run's result has no voice recording.");
  return recording;
}

/** The assistant messages of a conversation. */
export function assistantMessages<Message extends { role: string }>(messages: readonly Message[]): Message[] {
  return messages.filter((message) => message.role === "assistant");
}

/**
 * Undefined when the bytes are identical, else a short description of the first difference. Tests
 * use it instead of `toEqual` on audio: diffing long byte arrays stalls the reporter.
 */
export function byteDifference(actual: Uint8Array, expected: Uint8Array): string | undefined {
  const length = Math.min(actual.byteLength, expected.byteLength);
  for (let index = 0; index < length; index++) {
    if (actual[index] !== expected[index]) {
      return `first difference at byte ${index} of ${actual.byteLength} (expected ${expected.byteLength} bytes)`;
    }
  }
  if (actual.byteLength !== expected.byteLength) {
    return `${actual.byteLength} bytes, expected ${expected.byteLength} (the shorter is a prefix of the longer)`;
  }
  return undefined;
}

/** The parts of a voice recording the first-audio check reads. */
interface FirstAudioRecording {
  segments: readonly { speaker: string; startMs: number; endMs: number }[];
  latency: { timeToFirstAudioMs: readonly number[] };
}

/**
 * Checks each turn's time to first audio without timing the machine: there is one per agent
 * segment, none is shorter than the server's think time (`floorMs`, a floor no load can lower), and
 * none is longer than the silence the recording shows between the end of the caller's speech and
 * the start of the agent's (the caller's audio leaves the wire no earlier than its recorded end, so
 * the measured span sits inside that silence). A measurement taken from the wrong moment (the start
 * of the caller's speech, the end of the reply) fails the last check.
 */
export function expectFirstAudioFromRecording(recording: FirstAudioRecording, floorMs: number): void {
  const measured = recording.latency.timeToFirstAudioMs;
  const gaps: number[] = [];
  let lastUserEndMs: number | undefined;
  for (const segment of recording.segments) {
    if (segment.speaker === "user") lastUserEndMs = segment.endMs;
    else if (segment.speaker === "agent" && lastUserEndMs !== undefined) {
      gaps.push(segment.startMs - lastUserEndMs);
      lastUserEndMs = undefined;
    }
  }
  expect(measured).toHaveLength(gaps.length);
  for (const [index, ms] of measured.entries()) {
    expect(ms).toBeGreaterThanOrEqual(floorMs);
    // Both sides are read from one clock at slightly different moments: a millisecond is the slack.
    expect(ms).toBeLessThanOrEqual(gaps[index]! + 1);
  }
}
