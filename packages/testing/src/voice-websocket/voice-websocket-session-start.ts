import { isRecord } from "../shared/checks";
import { formatProblem } from "./voice-websocket-audio";
import type { VoiceWebSocketAudioFormat, VoiceWebSocketMessage } from "./voice-websocket-types";

/** The format of both directions unless `session.start` asks for another. */
export const DEFAULT_FORMAT: VoiceWebSocketAudioFormat = {
  encoding: "pcm16",
  sampleRateHz: 24_000,
  channels: 1,
};

/** What an accepted `session.start` settles. */
export interface SessionSettings {
  version: number;
  input: VoiceWebSocketAudioFormat;
  output: VoiceWebSocketAudioFormat;
  turnDetection: "client" | "server";
  metadata: Record<string, unknown>;
}

/**
 * Reads a client's `session.start`: the highest common version and the formats, or the fatal
 * error to refuse it with and the close code that follows.
 */
export function readSessionStart(
  message: VoiceWebSocketMessage,
  versions: readonly number[],
  serverVad: boolean,
): { settings: SessionSettings } | { refusal: VoiceWebSocketMessage; closeCode: number } {
  const offered = Array.isArray(message.versions) ? message.versions : [];
  const version = [...versions].sort((a, b) => b - a).find((candidate) => offered.includes(candidate));
  if (message.protocol !== "scenario-voice" || version === undefined) {
    return {
      refusal: {
        type: "error",
        code: "unsupported_version",
        message: `This agent speaks scenario-voice versions ${versions.join(", ")}.`,
        fatal: true,
        supportedVersions: [...versions],
      },
      closeCode: 4000,
    };
  }
  const input = message.input ?? DEFAULT_FORMAT;
  const output = message.output ?? DEFAULT_FORMAT;
  const problem = formatProblem(input) ?? formatProblem(output);
  if (problem !== undefined) {
    return {
      refusal: {
        type: "error",
        code: "unsupported_format",
        message: `Unsupported audio format: ${problem}.`,
        fatal: true,
      },
      closeCode: 4001,
    };
  }
  return {
    settings: {
      version,
      input: input as VoiceWebSocketAudioFormat,
      output: output as VoiceWebSocketAudioFormat,
      turnDetection: message.turnDetection === "server" && serverVad ? "server" : "client",
      metadata: isRecord(message.metadata) ? message.metadata : {},
    },
  };
}
