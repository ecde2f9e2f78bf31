import { createRequire } from "node:module";
import { availableParallelism } from "node:os";
import v8 from "node:v8";
import { Worker } from "node:worker_threads";
import {
  decodeWav,
  pcm16FromSamples,
  resampleFixedPoint,
  resamplePcm16,
  type WavDecodingKit,
} from "./decode-wav";

// Speech synthesis would block the event loop for tens or hundreds of milliseconds (flite's
// WebAssembly, then the sinc resampler on its output), and so would resampling a caller's utterance
// for an 8 or 16 kHz transport: both run in a few worker threads, so the runs sharing the loop keep
// their audio pacing and latency measurements true. The worker's code is built from the same
// functions the calling thread uses (see decode-wav.ts), as source text: it needs no file of its
// own, so it loads alike from dist (ESM or CJS) and from the TypeScript sources under vitest.

/** A task for a speech worker: speak `text` with flite (from `wasmPath`), as 24 kHz PCM16. */
export interface FliteWorkerTask {
  type: "flite";
  wasmPath: string;
  voice: string;
  text: string;
}

/** A task for a speech worker: resample PCM16 mono audio (whole samples, valid rates). */
export interface ResampleWorkerTask {
  type: "resample";
  pcm: Uint8Array;
  fromRate: number;
  toRate: number;
}

/** What a speech worker can do; each gives back PCM16 bytes. */
export type SpeechWorkerTask = FliteWorkerTask | ResampleWorkerTask;

/** A task that failed in the worker: its message, and flite's exit code when flite failed. */
export class SpeechWorkerTaskError extends Error {
  /** flite's non-zero exit code, when that was the failure. */
  readonly exitCode: number | undefined;

  constructor(message: string, exitCode?: number) {
    super(message);
    this.name = "SpeechWorkerTaskError";
    this.exitCode = exitCode;
  }
}

interface WorkerReply {
  id: number;
  result?: Uint8Array;
  error?: { message: string; exitCode?: number };
}

interface PooledWorker {
  worker: Worker;
  pending: Map<number, { resolve(value: Uint8Array): void; reject(error: Error): void }>;
}

/**
 * The worker's main loop. Self-contained like decode-wav.ts: it gets everything as parameters.
 * flite writes its WAV to a temporary directory (WASI sees only preopened directories); the worker
 * decodes it to 24 kHz PCM there too, so the calling thread receives finished audio.
 */
function speechWorkerMain(
  port: import("node:worker_threads").MessagePort,
  nodeRequire: NodeJS.Require,
  kit: WavDecodingKit,
  decode: typeof decodeWav,
  resample: typeof resamplePcm16,
): void {
  const fs = nodeRequire("node:fs") as typeof import("node:fs");
  const os = nodeRequire("node:os") as typeof import("node:os");
  const path = nodeRequire("node:path") as typeof import("node:path");
  const modules = new Map<string, WebAssembly.Module>();
  let wasi: typeof import("node:wasi") | undefined;
  const loadWasi = () => {
    if (wasi !== undefined) return wasi;
    // node:wasi warns once per thread that it is experimental: only that warning is dropped.
    const emitWarning = process.emitWarning;
    process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
      const text = typeof warning === "string" ? warning : warning.message;
      if (/WASI/.test(text)) return;
      return (emitWarning as (...args: unknown[]) => void).call(process, warning, ...rest);
    }) as typeof process.emitWarning;
    try {
      wasi = nodeRequire("node:wasi") as typeof import("node:wasi");
    } finally {
      process.emitWarning = emitWarning;
    }
    return wasi;
  };
  const flite = (task: FliteWorkerTask): Uint8Array => {
    let module = modules.get(task.wasmPath);
    if (module === undefined) {
      module = new WebAssembly.Module(fs.readFileSync(task.wasmPath));
      modules.set(task.wasmPath, module);
    }
    const directory = fs.mkdtempSync(path.join(os.tmpdir(), "scenario-flite-"));
    const devNull = fs.openSync("/dev/null", "w");
    try {
      const instance = new (loadWasi().WASI)({
        version: "preview1",
        args: ["flite", "-voice", task.voice, "-t", task.text, "-o", "/out/speech.wav"],
        env: {},
        preopens: { "/out": directory },
        stdout: devNull,
        stderr: devNull,
        returnOnExit: true,
      });
      const exitCode = instance.start(
        new WebAssembly.Instance(module, {
          wasi_snapshot_preview1: instance.wasiImport,
        } as WebAssembly.Imports),
      );
      if (exitCode !== 0) throw Object.assign(new Error(`flite exited with code ${exitCode}`), { exitCode });
      return decode(kit, fs.readFileSync(path.join(directory, "speech.wav")), 24_000);
    } finally {
      fs.closeSync(devNull);
      fs.rmSync(directory, { recursive: true, force: true });
    }
  };
  port.on("message", (message: { id: number; task: SpeechWorkerTask }) => {
    const { id, task } = message;
    try {
      const result =
        task.type === "resample" ? resample(kit, task.pcm, task.fromRate, task.toRate) : flite(task);
      port.postMessage({ id, result }, [result.buffer as ArrayBuffer]);
    } catch (error) {
      const { message: text, exitCode } = error as Error & { exitCode?: number };
      port.postMessage({ id, error: { message: text, ...(exitCode !== undefined && { exitCode }) } });
    }
  });
}

/**
 * The worker's source: the shared functions as text, and wavefile required by absolute path. It
 * loads its modules with import() and createRequire, so it runs whether the process evaluates
 * code as CommonJS or, under `--input-type=module` (which workers inherit), as an ES module.
 */
function workerSource(): string {
  const wavefilePath = createRequire(import.meta.url).resolve("wavefile");
  return [
    '"use strict";',
    // A bundler that keeps function names (esbuild's keepNames) calls this helper inside bodies.
    "const __name = (target) => target;",
    "(async () => {",
    '  const { parentPort } = await import("node:worker_threads");',
    `  const nodeRequire = (await import("node:module")).createRequire(${JSON.stringify(wavefilePath)});`,
    `  const WaveFile = nodeRequire(${JSON.stringify(wavefilePath)}).WaveFile;`,
    `  const resample = (${resampleFixedPoint.toString()});`,
    `  const toPcm16 = (${pcm16FromSamples.toString()});`,
    `  const decode = (${decodeWav.toString()});`,
    `  const resamplePcm16 = (${resamplePcm16.toString()});`,
    `  (${speechWorkerMain.toString()})(parentPort, nodeRequire, { WaveFile, resample, toPcm16 }, decode, resamplePcm16);`,
    "})();",
  ].join("\n");
}

/** Worker threads shared by every speech provider in the process, started on first use. */
class SpeechWorkerPool {
  private readonly size: number;
  private readonly workers: PooledWorker[] = [];
  private source: string | undefined;
  private nextId = 0;

  constructor(size: number) {
    this.size = size;
  }

  /**
   * Runs a task on the least busy worker; the audio comes back transferred, not copied. A
   * resample task's audio is copied on the way in (the caller keeps its bytes).
   */
  run(task: SpeechWorkerTask): Promise<Uint8Array> {
    const pooled = this.pick();
    const id = this.nextId++;
    return new Promise<Uint8Array>((resolve, reject) => {
      pooled.pending.set(id, { resolve, reject });
      // Only a busy worker keeps the process alive: an idle pool must never hold a run open.
      pooled.worker.ref();
      if (task.type === "resample") {
        const pcm = task.pcm.slice();
        pooled.worker.postMessage({ id, task: { ...task, pcm } }, [pcm.buffer as ArrayBuffer]);
      } else {
        pooled.worker.postMessage({ id, task });
      }
    });
  }

  private pick(): PooledWorker {
    const idle = this.workers.find((pooled) => pooled.pending.size === 0);
    if (idle !== undefined) return idle;
    if (this.workers.length < this.size) return this.start();
    return this.workers.reduce((least, pooled) =>
      pooled.pending.size < least.pending.size ? pooled : least,
    );
  }

  private start(): PooledWorker {
    // Node 20-22 can crash when optimised code makes WASI "fast API calls" during a GC (see
    // flite-speech.ts); the flag is process-wide and must be set before a worker first runs WASI.
    v8.setFlagsFromString("--no-turbo-fast-api-calls");
    this.source ??= workerSource();
    const worker = new Worker(this.source, { eval: true });
    worker.unref();
    const pooled: PooledWorker = { worker, pending: new Map() };
    worker.on("message", (reply: WorkerReply) => {
      const waiting = pooled.pending.get(reply.id);
      if (waiting === undefined) return;
      pooled.pending.delete(reply.id);
      if (pooled.pending.size === 0) worker.unref();
      if (reply.error !== undefined)
        waiting.reject(new SpeechWorkerTaskError(reply.error.message, reply.error.exitCode));
      else waiting.resolve(reply.result ?? new Uint8Array(0));
    });
    const fail = (error: Error) => {
      const index = this.workers.indexOf(pooled);
      if (index >= 0) this.workers.splice(index, 1);
      for (const waiting of pooled.pending.values()) waiting.reject(error);
      pooled.pending.clear();
    };
    worker.on("error", fail);
    worker.on("exit", (code) =>
      fail(new SpeechWorkerTaskError(`The speech worker thread exited (code ${code}).`)),
    );
    this.workers.push(pooled);
    return pooled;
  }
}

let sharedPool: SpeechWorkerPool | undefined;

/**
 * The process's speech worker pool: one thread per core but one (the event loop keeps a core),
 * at least one and at most four.
 */
export function speechWorkerPool(): SpeechWorkerPool {
  sharedPool ??= new SpeechWorkerPool(Math.max(1, Math.min(4, availableParallelism() - 1)));
  return sharedPool;
}
