import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { delimiter, join } from "node:path";
import { type AudioPlaybackOptions, ConfigurationError, type VoiceAudioChunk } from "@scenario/spec";
import { pcmByteLength, pcmDurationMsOfBytes } from "./pcm";

// Live playback of a call: one child process (a player found on PATH) reads the call as raw PCM16
// 24 kHz mono on its stdin. Both sides share that one stream: each chunk is written at its place
// on the call's timeline, silence filling the gaps, so the listener hears the call's pauses too.

/** The players we know how to feed raw PCM16 24 kHz mono on stdin, in order of preference. */
const PLAYERS = [
  {
    command: "play",
    package: "sox",
    args: ["-q", "-t", "raw", "-r", "24000", "-e", "signed-integer", "-b", "16", "-c", "1", "-"],
  },
  {
    command: "ffplay",
    package: "ffmpeg",
    args: [
      "-nodisp",
      "-autoexit",
      "-loglevel",
      "quiet",
      "-f",
      "s16le",
      "-ar",
      "24000",
      "-ac",
      "1",
      "-i",
      "-",
    ],
  },
  {
    command: "aplay",
    package: "alsa-utils",
    args: ["-q", "-t", "raw", "-f", "S16_LE", "-r", "24000", "-c", "1", "-"],
  },
] as const;

const BYTES_PER_SAMPLE = 2;

/** How long, beyond the audio's own length, `close()` lets the player finish before killing it. */
const PLAYER_EXIT_GRACE_MS = 5000;

/** A player found on PATH. */
export interface AudioPlayer {
  /** The player's absolute path. */
  path: string;
  /** Its arguments for raw PCM16 24 kHz mono on stdin. */
  args: readonly string[];
}

/** Options of `startAudioPlayback()`. */
export interface StartAudioPlaybackOptions extends AudioPlaybackOptions {
  /** The environment to read `PATH` and `CI` from. @default process.env */
  env?: NodeJS.ProcessEnv;
}

/** A running playback: write the call's chunks as they come, close it when the call ends. */
export interface AudioPlayback {
  /** The player that plays the call. */
  readonly player: AudioPlayer;
  /** Queues a chunk at its place on the call's timeline (after the audio already written). */
  write(chunk: VoiceAudioChunk): void;
  /**
   * Ends the stream and waits for the player to play what it holds (at most the written audio's
   * length and a few seconds), then kills it, so a run never hangs on its player.
   */
  close(): Promise<void>;
}

/** The first of sox's `play`, `ffplay` and `aplay` on `PATH`, or undefined. */
export function findAudioPlayer(env: NodeJS.ProcessEnv = process.env): AudioPlayer | undefined {
  const directories = (env.PATH ?? "").split(delimiter).filter((directory) => directory !== "");
  const names = (command: string) => (process.platform === "win32" ? [`${command}.exe`, command] : [command]);
  for (const player of PLAYERS) {
    for (const directory of directories) {
      for (const name of names(player.command)) {
        const path = join(directory, name);
        try {
          accessSync(path, constants.X_OK);
          return { path, args: player.args };
        } catch {
          // Not here: try the next place.
        }
      }
    }
  }
  return undefined;
}

/**
 * Starts playing a call through a player found on PATH. Throws a `ConfigurationError` naming the
 * players to install when there is none, and in CI (the `CI` variable) unless `force` is set.
 */
export function startAudioPlayback(options: StartAudioPlaybackOptions = {}): AudioPlayback {
  const env = options.env ?? process.env;
  if (isCi(env) && options.force !== true) {
    throw new ConfigurationError(
      "audioPlayback is refused in CI (the CI environment variable is set): nobody is listening. " +
        "Drop `audioPlayback`/`--play` there, or pass `audioPlayback: { force: true }` to play anyway.",
    );
  }
  const player = findAudioPlayer(env);
  if (player === undefined) {
    const names = PLAYERS.map((known) => `\`${known.command}\` (${known.package})`).join(", ");
    throw new ConfigurationError(
      `audioPlayback needs an audio player on PATH and found none of ${names}. Install one, for ` +
        "example `brew install sox` or `apt-get install sox`, or turn audioPlayback off.",
    );
  }
  return playThrough(player, env);
}

function isCi(env: NodeJS.ProcessEnv): boolean {
  const value = env.CI;
  return value !== undefined && value !== "" && value !== "0" && value.toLowerCase() !== "false";
}

function playThrough(player: AudioPlayer, env: NodeJS.ProcessEnv): AudioPlayback {
  const child: ChildProcess = spawn(player.path, [...player.args], {
    env,
    stdio: ["pipe", "ignore", "ignore"],
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  // A player that quits early (no audio device) must not crash the run with EPIPE.
  child.stdin?.on("error", () => {});
  let writtenBytes = 0;
  let closed = false;
  return {
    player,
    write(chunk) {
      const stdin = child.stdin;
      if (closed || stdin === null || stdin.destroyed) return;
      const startByte = pcmByteLength(Math.max(0, chunk.timestampMs));
      // A sample of slack: a chunk that follows on from the last must not gain a rounding gap.
      if (startByte > writtenBytes + BYTES_PER_SAMPLE) {
        const gap = startByte - writtenBytes;
        stdin.write(new Uint8Array(gap));
        writtenBytes = startByte;
      }
      stdin.write(chunk.data);
      writtenBytes += chunk.data.byteLength;
    },
    async close() {
      if (closed) return exited;
      closed = true;
      child.stdin?.end();
      let timer: ReturnType<typeof setTimeout> | undefined;
      const timedOut = new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(true), pcmDurationMsOfBytes(writtenBytes) + PLAYER_EXIT_GRACE_MS);
        timer.unref?.();
      });
      const late = await Promise.race([exited.then(() => false), timedOut]);
      clearTimeout(timer);
      if (late) {
        child.kill();
        await exited;
      }
    },
  };
}
