import { spawn } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, isAbsolute, join } from "node:path";
import { type AudioChunk, ConfigurationError, RunCancelledError } from "@scenario/spec";
import { toPcm16k } from "./audio-codecs";
import type { SpeechToTextProvider, TranscribeOptions } from "./speech-provider";
import { pcmToWav } from "./wav";

const DEFAULT_COMMAND = "pocketsphinx_continuous";
/** Where Debian's pocketsphinx-en-us package puts the US English acoustic model. */
const DEFAULT_MODEL_DIR = "/usr/share/pocketsphinx/model/en-us/en-us";
const INSTALL_HINT =
  "Install it with `apt-get install pocketsphinx pocketsphinx-en-us` (Debian/Ubuntu), or pass `command` to pocketsphinxTranscription().";

/** Options of `pocketsphinxTranscription()`. */
export interface PocketsphinxTranscriptionOptions {
  /**
   * Phrases the speech is expected to be one of, for every call (a call's own `phrases` win).
   * With phrases, recognition is restricted to them by a JSGF grammar: exact on clean and
   * telephone audio alike. Without, the default language model transcribes freely (good on clean
   * flite speech, poor on 8 kHz audio).
   */
  phrases?: readonly string[];
  /**
   * The recogniser's command (pocketsphinx 0.8 / 5-prealpha CLI).
   * @default "pocketsphinx_continuous"
   */
  command?: string;
  /**
   * Give up after this many milliseconds.
   * @default 30000
   */
  timeoutMs?: number;
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

async function findCommand(command: string): Promise<string | undefined> {
  if (command.includes("/")) return (await isExecutable(command)) ? command : undefined;
  for (const directory of (process.env.PATH ?? "").split(delimiter)) {
    if (directory === "" || !isAbsolute(directory)) continue;
    const candidate = join(directory, command);
    if (await isExecutable(candidate)) return candidate;
  }
  return undefined;
}

/**
 * Whether offline recognition can run here: the `pocketsphinx_continuous` command is on PATH (or
 * at `command`) and Debian's US English model is installed. Cheap: looks for files, runs nothing.
 */
export async function isPocketsphinxAvailable(command: string = DEFAULT_COMMAND): Promise<boolean> {
  if (!(await findCommand(command))) return false;
  try {
    await access(DEFAULT_MODEL_DIR, constants.R_OK);
    return true;
  } catch {
    return false;
  }
}

/** Lower-case words, punctuation dropped (apostrophes kept), as pocketsphinx's dictionary spells them. */
export function normalizeWords(text: string): string[] {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9' ]+/g, " ")
    .split(/\s+/)
    .map((word) => word.replace(/^'+|'+$/g, ""))
    .filter((word) => word !== "");
}

/** A JSGF grammar that accepts exactly one of the phrases. */
export function phrasesToJsgf(phrases: readonly string[]): string {
  const alternatives = [...new Set(phrases.map((phrase) => normalizeWords(phrase).join(" ")))].filter(
    (phrase) => phrase !== "",
  );
  if (alternatives.length === 0) {
    throw new ConfigurationError(
      "The phrases for pocketsphinx contain no words: pass at least one non-empty phrase.",
    );
  }
  return `#JSGF V1.0;\ngrammar phrases;\npublic <phrase> = ${alternatives.join(" | ")};\n`;
}

/**
 * Offline speech-to-text with the pocketsphinx CLI (Debian packages `pocketsphinx` and
 * `pocketsphinx-en-us`), detected at run time. Audio goes through a temporary 16 kHz WAV file
 * (pocketsphinx reads nothing from a Node pipe). Pass `phrases` for exact recognition of
 * expected sentences.
 */
export function pocketsphinxTranscription(
  options: PocketsphinxTranscriptionOptions = {},
): SpeechToTextProvider {
  const command = options.command ?? DEFAULT_COMMAND;
  const timeoutMs = options.timeoutMs ?? 30_000;
  return {
    id: "pocketsphinx",
    async transcribe(
      audio: AudioChunk | Uint8Array,
      transcribeOptions: TranscribeOptions = {},
    ): Promise<string> {
      const pcm = audio instanceof Uint8Array ? audio : audio.data;
      const phrases = transcribeOptions.phrases ?? options.phrases;
      const executable = await findCommand(command);
      if (!executable) {
        throw new ConfigurationError(
          `Offline speech recognition needs \`${command}\`, which is not installed. ${INSTALL_HINT}`,
        );
      }
      const directory = await mkdtemp(join(tmpdir(), "scenario-pocketsphinx-"));
      try {
        const wavPath = join(directory, "speech.wav");
        await writeFile(wavPath, pcmToWav(toPcm16k(pcm), 16_000));
        const args = ["-infile", wavPath, "-logfn", "/dev/null"];
        if (phrases && phrases.length > 0) {
          const grammarPath = join(directory, "phrases.gram");
          await writeFile(grammarPath, phrasesToJsgf(phrases));
          args.push("-jsgf", grammarPath);
        }
        const output = await run(executable, args, timeoutMs, transcribeOptions.signal);
        return output
          .split("\n")
          .map((line) => line.trim())
          .filter((line) => line !== "")
          .join(" ");
      } finally {
        await rm(directory, { recursive: true, force: true });
      }
    },
  };
}

function run(
  executable: string,
  args: string[],
  timeoutMs: number,
  signal: AbortSignal | undefined,
): Promise<string> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(new RunCancelledError("Speech recognition was aborted.", { cause: signal.reason }));
      return;
    }
    const child = spawn(executable, args, { stdio: ["ignore", "pipe", "pipe"] });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let settled = false;
    const finish = (error: Error | undefined, text?: string) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener("abort", onAbort);
      if (error) reject(error);
      else resolve(text ?? "");
    };
    const onAbort = () => {
      child.kill("SIGKILL");
      finish(new RunCancelledError("Speech recognition was aborted.", { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      finish(
        new ConfigurationError(`pocketsphinx did not finish within ${timeoutMs} ms: raise \`timeoutMs\`.`),
      );
    }, timeoutMs);
    timer.unref();
    signal?.addEventListener("abort", onAbort, { once: true });
    child.stdout.on("data", (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on("data", (chunk: Buffer) => stderr.push(chunk));
    child.on("error", (error) => {
      finish(
        new ConfigurationError(`Could not start ${executable}: ${error.message}. ${INSTALL_HINT}`, {
          cause: error,
        }),
      );
    });
    child.on("close", (code) => {
      if (code === 0) {
        finish(undefined, Buffer.concat(stdout).toString("utf8"));
        return;
      }
      const details = Buffer.concat(stderr).toString("utf8").trim().split("\n").slice(-3).join(" | ");
      finish(
        new ConfigurationError(
          `pocketsphinx exited with code ${code}${details ? `: ${details}` : ""}. A word outside its dictionary in \`phrases\` is a common cause.`,
        ),
      );
    });
  });
}
