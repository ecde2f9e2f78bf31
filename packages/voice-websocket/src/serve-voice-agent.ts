import { randomUUID } from "node:crypto";
import type { AddressInfo } from "node:net";
import { ConfigurationError } from "@scenario/spec";
import { type WebSocket, WebSocketServer } from "ws";
import {
  audioFormatProblem,
  DEFAULT_VOICE_PROTOCOL_FORMAT,
  type ErrorMessage,
  parseProtocolMessage,
  SUPPORTED_VOICE_PROTOCOL_VERSIONS,
  sameAudioFormat,
  VOICE_PROTOCOL_NAME,
  type VoiceProtocolAudioFormat,
  type VoiceProtocolCapabilities,
  VoiceProtocolCloseCode,
  type VoiceProtocolErrorCode,
} from "./protocol";
import { VoiceAgentSession } from "./voice-agent-session";

/** Called once per session, after the handshake. Attach listeners before the first `await`. */
export type VoiceAgentHandler = (session: VoiceAgentSession) => void | Promise<void>;

/** Options of `serveVoiceAgent()`. */
export interface ServeVoiceAgentOptions {
  /**
   * The port to listen on; 0 picks a free one (read it from `url`).
   * @default 0
   */
  port?: number;
  /**
   * The interface to listen on. Only loopback by default: the agent is reachable from this machine.
   * @default "127.0.0.1"
   */
  host?: string;
  /**
   * The WebSocket path clients connect to.
   * @default "/"
   */
  path?: string;
  /**
   * What the agent can do, announced in `session.started`. Messages for a capability it lacks are
   * answered with an `unsupported` error instead of reaching the handler.
   * @default no server VAD, agent transcripts, nothing else
   */
  capabilities?: Partial<VoiceProtocolCapabilities>;
  /**
   * The input formats the agent takes; a client asking for another is refused with
   * `unsupported_format`.
   * @default any valid format (read `session.inputFormat`)
   */
  inputFormats?: VoiceProtocolAudioFormat[];
  /**
   * The format the agent always speaks in, announced in `session.started`.
   * @default the format the client asks for (read `session.outputFormat`)
   */
  outputFormat?: VoiceProtocolAudioFormat;
  /** The agent's name and version, sent in `session.started`. */
  agent?: { name?: string; version?: string };
  /**
   * Milliseconds a connection may take to send `session.start`.
   * @default 10000
   */
  handshakeTimeoutMs?: number;
  /**
   * Told about errors of the handler or its listeners (the client gets a fatal `agent_error`).
   * @default none
   */
  onError?: (error: unknown, session: VoiceAgentSession) => void;
}

/** A running voice agent server. */
export interface VoiceAgentServer {
  /** Where clients connect: `ws://127.0.0.1:<port>/`. */
  readonly url: string;
  /** The port it listens on. */
  readonly port: number;
  /** Ends every session and stops listening. Safe to call twice. */
  close(): Promise<void>;
}

const DEFAULT_CAPABILITIES: VoiceProtocolCapabilities = {
  serverVad: false,
  agentTranscripts: true,
  userTranscripts: false,
  toolCalls: false,
  dtmf: false,
  textInput: false,
};

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Serves a voice agent over the Scenario voice protocol (see this package's README): accepts
 * connections, answers the handshake (version and formats), and hands each session to `handler`,
 * which wires it to any voice stack.
 *
 * @example
 * const server = await serveVoiceAgent((session) => {
 *   const heard: Uint8Array[] = [];
 *   session.on("audio", (audio) => heard.push(audio));
 *   session.on("inputEnd", async () => {
 *     const text = await myStt(heard.splice(0));
 *     await session.reply(await myTts(await myAgent(text)), { transcript: text });
 *   });
 * }, { port: 8765 });
 * console.log(server.url);
 */
export async function serveVoiceAgent(
  handler: VoiceAgentHandler,
  options: ServeVoiceAgentOptions = {},
): Promise<VoiceAgentServer> {
  if (typeof handler !== "function") {
    throw new ConfigurationError(
      "serveVoiceAgent() needs a handler function: serveVoiceAgent((session) => { ... }).",
    );
  }
  for (const format of [
    ...(options.inputFormats ?? []),
    ...(options.outputFormat ? [options.outputFormat] : []),
  ]) {
    const problem = audioFormatProblem(format);
    if (problem !== undefined) throw new ConfigurationError(`serveVoiceAgent(): ${problem}.`);
  }
  const host = options.host ?? "127.0.0.1";
  const path = options.path ?? "/";
  const capabilities: VoiceProtocolCapabilities = { ...DEFAULT_CAPABILITIES, ...options.capabilities };
  const handshakeTimeoutMs = options.handshakeTimeoutMs ?? 10_000;
  const sessions = new Set<VoiceAgentSession>();

  const wss = new WebSocketServer({ host, port: options.port ?? 0, path });
  await new Promise<void>((resolve, reject) => {
    wss.once("listening", resolve);
    wss.once("error", (error) =>
      reject(
        new ConfigurationError(
          `serveVoiceAgent() could not listen on ${host}:${options.port ?? 0}: ${error.message}. Pick another \`port\` (0 takes a free one).`,
          { cause: error },
        ),
      ),
    );
  });
  const port = (wss.address() as AddressInfo).port;

  const refuse = (
    socket: WebSocket,
    code: VoiceProtocolErrorCode,
    message: string,
    closeCode: number,
    extra = {},
  ): void => {
    const error: ErrorMessage = { type: "error", code, message, fatal: true, ...extra };
    socket.send(JSON.stringify(error));
    socket.close(closeCode, code);
  };

  const fail = (session: VoiceAgentSession, error: unknown): void => {
    options.onError?.(error, session);
    session.sendError("agent_error", `The agent failed: ${describeError(error)}`, { fatal: true });
  };

  /** Runs a handler or a listener, turning its failures (thrown or rejected) into a fatal error. */
  const guarded = (session: VoiceAgentSession, run: () => unknown): void => {
    try {
      const result = run();
      if (result instanceof Promise) result.catch((error: unknown) => fail(session, error));
    } catch (error) {
      fail(session, error);
    }
  };

  const start = (socket: WebSocket, message: Record<string, unknown>): VoiceAgentSession | undefined => {
    const versions = Array.isArray(message.versions) ? message.versions : [];
    const version = SUPPORTED_VOICE_PROTOCOL_VERSIONS.find((candidate) => versions.includes(candidate));
    if (message.protocol !== VOICE_PROTOCOL_NAME || version === undefined) {
      refuse(
        socket,
        "unsupported_version",
        `This agent speaks ${VOICE_PROTOCOL_NAME} versions ${SUPPORTED_VOICE_PROTOCOL_VERSIONS.join(", ")}; the client offered ${JSON.stringify(message.protocol)} ${JSON.stringify(message.versions)}.`,
        VoiceProtocolCloseCode.unsupportedVersion,
        { supportedVersions: [...SUPPORTED_VOICE_PROTOCOL_VERSIONS] },
      );
      return undefined;
    }
    const input = (message.input ?? DEFAULT_VOICE_PROTOCOL_FORMAT) as VoiceProtocolAudioFormat;
    const requestedOutput = (message.output ?? DEFAULT_VOICE_PROTOCOL_FORMAT) as VoiceProtocolAudioFormat;
    const formatProblem = audioFormatProblem(input) ?? audioFormatProblem(requestedOutput);
    if (formatProblem !== undefined) {
      refuse(
        socket,
        "unsupported_format",
        `Invalid audio format: ${formatProblem}.`,
        VoiceProtocolCloseCode.unsupportedFormat,
      );
      return undefined;
    }
    if (
      options.inputFormats !== undefined &&
      !options.inputFormats.some((format) => sameAudioFormat(format, input))
    ) {
      refuse(
        socket,
        "unsupported_format",
        `This agent takes input audio as ${options.inputFormats.map((format) => JSON.stringify(format)).join(" or ")}, not ${JSON.stringify(input)}.`,
        VoiceProtocolCloseCode.unsupportedFormat,
      );
      return undefined;
    }
    const turnDetection = message.turnDetection === "server" && capabilities.serverVad ? "server" : "client";
    const session = new VoiceAgentSession({
      socket,
      id: randomUUID(),
      version,
      inputFormat: { encoding: input.encoding, sampleRateHz: input.sampleRateHz, channels: input.channels },
      outputFormat: options.outputFormat ?? {
        encoding: requestedOutput.encoding,
        sampleRateHz: requestedOutput.sampleRateHz,
        channels: requestedOutput.channels,
      },
      turnDetection,
      capabilities,
      metadata:
        typeof message.metadata === "object" && message.metadata !== null
          ? (message.metadata as Record<string, unknown>)
          : {},
    });
    session.send({
      type: "session.started",
      version,
      sessionId: session.id,
      input: session.inputFormat,
      output: session.outputFormat,
      turnDetection,
      capabilities,
      ...(options.agent !== undefined && { agent: options.agent }),
    });
    return session;
  };

  /** One JSON message of a started session. */
  const dispatch = (
    session: VoiceAgentSession,
    message: Record<string, unknown> & { type: string },
  ): void => {
    const unsupported = (capability: string): void =>
      session.sendError(
        "unsupported",
        `This agent does not support '${message.type}' (capabilities.${capability} is false).`,
      );
    switch (message.type) {
      case "input.end":
        // With client turn detection a turn is answered once; with server VAD input.end is a hint.
        if (session.turnDetection === "client" && session.activeResponse !== undefined) {
          session.sendError(
            "invalid_state",
            `Reply ${session.activeResponse.id} is still in flight; interrupt it first.`,
          );
          return;
        }
        session.beginTurn();
        guarded(session, () => session.emit("inputEnd"));
        return;
      case "input.text": {
        const text = message.text;
        if (!capabilities.textInput) unsupported("textInput");
        else if (typeof text !== "string")
          session.sendError("invalid_message", "'input.text' needs a string `text`.");
        else guarded(session, () => session.emit("text", text));
        return;
      }
      case "dtmf": {
        const digits = message.digits;
        if (!capabilities.dtmf) unsupported("dtmf");
        else if (typeof digits !== "string" || !/^[0-9*#A-D]+$/.test(digits)) {
          session.sendError("invalid_message", "'dtmf' needs `digits` made of 0-9, *, # and A-D.");
        } else guarded(session, () => session.emit("dtmf", digits));
        return;
      }
      case "interrupt":
        guarded(session, () =>
          session.handleInterrupt({
            ...(typeof message.responseId === "string" && { responseId: message.responseId }),
            ...(typeof message.playedMs === "number" && { playedMs: message.playedMs }),
          }),
        );
        return;
      case "session.end":
        session.end(typeof message.reason === "string" ? message.reason : "client ended the session");
        return;
      case "session.start":
        session.sendError(
          "invalid_state",
          "The session has already started; send 'session.start' once per connection.",
        );
        return;
      default:
        session.sendError("unknown_message_type", `Unknown message type '${message.type}'.`);
    }
  };

  wss.on("connection", (socket) => {
    let session: VoiceAgentSession | undefined;
    const handshakeTimer = setTimeout(() => {
      if (session === undefined) {
        refuse(
          socket,
          "invalid_state",
          `No 'session.start' within ${handshakeTimeoutMs} ms.`,
          VoiceProtocolCloseCode.protocolError,
        );
      }
    }, handshakeTimeoutMs);
    handshakeTimer.unref?.();

    socket.on("message", (data, isBinary) => {
      if (isBinary) {
        if (session === undefined) {
          refuse(
            socket,
            "invalid_state",
            "Audio arrived before 'session.start'.",
            VoiceProtocolCloseCode.protocolError,
          );
          return;
        }
        const current = session;
        const bytes = toBytes(data);
        guarded(current, () => current.emit("audio", bytes));
        return;
      }
      const parsed = parseProtocolMessage(toBytes(data).toString());
      if ("problem" in parsed) {
        if (session === undefined) {
          refuse(
            socket,
            "invalid_message",
            `Invalid message: ${parsed.problem}.`,
            VoiceProtocolCloseCode.protocolError,
          );
        } else {
          session.sendError("invalid_message", `Invalid message: ${parsed.problem}.`);
        }
        return;
      }
      if (session !== undefined) return dispatch(session, parsed.message);
      if (parsed.message.type !== "session.start") {
        refuse(
          socket,
          "invalid_state",
          `The first message must be 'session.start', got '${parsed.message.type}'.`,
          VoiceProtocolCloseCode.protocolError,
        );
        return;
      }
      clearTimeout(handshakeTimer);
      session = start(socket, parsed.message);
      if (session === undefined) return;
      const current = session;
      sessions.add(current);
      guarded(current, () => handler(current));
    });
    socket.on("close", (code, reason) => {
      clearTimeout(handshakeTimer);
      if (session === undefined) return;
      sessions.delete(session);
      const current = session;
      guarded(current, () => current.handleClosed(code, reason.toString()));
    });
    socket.on("error", () => {
      // A client vanishing mid-frame: the close handler ends the session.
    });
  });

  let closing: Promise<void> | undefined;
  const displayHost = host.includes(":") ? `[${host}]` : host;
  return {
    url: `ws://${displayHost}:${port}${path}`,
    port,
    close() {
      closing ??= new Promise<void>((resolve) => {
        for (const session of sessions) session.shutdown();
        for (const client of wss.clients) {
          // Give a polite close a moment, then cut whatever is left.
          setTimeout(() => client.terminate(), 500).unref?.();
        }
        wss.close(() => resolve());
      });
      return closing;
    },
  };
}

function toBytes(data: Buffer | ArrayBuffer | Buffer[]): Buffer {
  if (Array.isArray(data)) return Buffer.concat(data);
  return Buffer.isBuffer(data) ? data : Buffer.from(data);
}
