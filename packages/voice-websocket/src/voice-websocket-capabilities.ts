import { type VoiceAudioFormat, type VoiceCapabilities, VoiceServerError } from "@scenario/spec";
import {
  audioFormatProblem,
  DEFAULT_VOICE_PROTOCOL_FORMAT,
  SUPPORTED_VOICE_PROTOCOL_VERSIONS,
  sameAudioFormat,
  type VoiceProtocolAudioFormat,
  type VoiceProtocolCapabilities,
  type VoiceProtocolTurnDetection,
} from "./protocol";

// What a connection of the protocol client can do: asked for by the options, then refined by the
// agent's `session.started`.

/**
 * What the protocol can carry, with the options' defaults (PCM16 24 kHz both ways): the fullest
 * record, from which the README's capability table is generated. A connection's own record is
 * refined by the agent's `session.started` (see `WebSocketVoiceTransport.capabilities`).
 */
export const voiceWebSocketCapabilities: VoiceCapabilities = {
  inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
  outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000, channels: 1 },
  bargeIn: "native",
  serverVad: true,
  realtimeInput: false,
  toolCalls: true,
  toolResults: true,
  dtmf: true,
  textInput: true,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: true,
};

function toVoiceFormat(format: VoiceProtocolAudioFormat): VoiceAudioFormat {
  return { encoding: format.encoding, sampleRateHz: format.sampleRateHz, channels: format.channels };
}

/** The capabilities a client asks for: its formats and turn detection, everything else possible. */
export function requestedCapabilities(options: {
  inputFormat?: VoiceProtocolAudioFormat | undefined;
  outputFormat?: VoiceProtocolAudioFormat | undefined;
  turnDetection?: VoiceProtocolTurnDetection | undefined;
}): VoiceCapabilities {
  const serverVad = options.turnDetection === "server";
  return {
    ...voiceWebSocketCapabilities,
    inputAudioFormat: toVoiceFormat({ ...DEFAULT_VOICE_PROTOCOL_FORMAT, ...options.inputFormat }),
    outputAudioFormat: toVoiceFormat({ ...DEFAULT_VOICE_PROTOCOL_FORMAT, ...options.outputFormat }),
    serverVad,
    // An agent's VAD hears silence only in real time.
    realtimeInput: serverVad,
  };
}

/** What a valid `session.started` settled. */
export interface AcceptedSession {
  /** The agent's output format. */
  output: VoiceProtocolAudioFormat;
  /** The turn detection the agent chose. */
  turnDetection: VoiceProtocolTurnDetection;
  /** The capabilities the agent declared (missing ones read as false). */
  declared: VoiceProtocolCapabilities;
}

/** Checks the agent's answer to `session.start`; an error (to reject `connect()` with) when it is wrong. */
export function readSessionStarted(
  name: string,
  message: { type: string } & Record<string, unknown>,
  requestedInput: VoiceProtocolAudioFormat | undefined,
): AcceptedSession | VoiceServerError {
  if (message.type === "error") {
    return new VoiceServerError(
      `${name}: the agent refused the session: ${String(message.code)}: ${String(message.message)}`,
      { cause: message },
    );
  }
  if (message.type !== "session.started") {
    return new VoiceServerError(
      `${name}: the agent answered 'session.start' with '${message.type}' instead of 'session.started'.`,
    );
  }
  const version = message.version;
  if (typeof version !== "number" || !SUPPORTED_VOICE_PROTOCOL_VERSIONS.includes(version)) {
    return new VoiceServerError(
      `${name}: the agent chose protocol version ${JSON.stringify(version)}, but this client speaks ${SUPPORTED_VOICE_PROTOCOL_VERSIONS.join(", ")}.`,
    );
  }
  const outputProblem = audioFormatProblem(message.output);
  if (outputProblem !== undefined) {
    return new VoiceServerError(`${name}: the agent's output format is invalid: ${outputProblem}.`);
  }
  const input = message.input as VoiceProtocolAudioFormat | undefined;
  const wanted = { ...DEFAULT_VOICE_PROTOCOL_FORMAT, ...requestedInput };
  if (input !== undefined && (audioFormatProblem(input) !== undefined || !sameAudioFormat(input, wanted))) {
    return new VoiceServerError(
      `${name}: the agent acknowledged the input format ${JSON.stringify(input)}, not the one requested.`,
    );
  }
  const declared = (
    typeof message.capabilities === "object" && message.capabilities !== null ? message.capabilities : {}
  ) as Partial<VoiceProtocolCapabilities>;
  return {
    output: message.output as VoiceProtocolAudioFormat,
    turnDetection: message.turnDetection === "server" ? "server" : "client",
    declared: {
      serverVad: declared.serverVad === true,
      agentTranscripts: declared.agentTranscripts === true,
      userTranscripts: declared.userTranscripts === true,
      toolCalls: declared.toolCalls === true,
      dtmf: declared.dtmf === true,
      textInput: declared.textInput === true,
    },
  };
}

/** The requested capabilities as the agent's `session.started` settled them. */
export function refinedCapabilities(
  requested: VoiceCapabilities,
  accepted: AcceptedSession,
): VoiceCapabilities {
  const serverVad = accepted.turnDetection === "server";
  const { declared } = accepted;
  return {
    ...requested,
    outputAudioFormat: toVoiceFormat(accepted.output),
    serverVad,
    realtimeInput: serverVad,
    toolCalls: declared.toolCalls,
    toolResults: declared.toolCalls,
    dtmf: declared.dtmf,
    textInput: declared.textInput,
    agentTranscripts: declared.agentTranscripts,
    userTranscripts: declared.userTranscripts,
  };
}
