import {
  AGENT_SPECIFICATION_VERSION,
  type AgentAdapter,
  type AgentConnectContext,
  type AgentInput,
  AgentRole,
  ConfigurationError,
  type ModelMessage,
  type ScriptedLineSpeaker,
  VoiceServerError,
} from "@scenario/spec";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";
import type { VoiceTransportAgent } from "./voice-transport-agent";

/** What every realtime caller takes besides its provider's session options. */
export interface RealtimeCallerOptions {
  /** A display name, used in errors and logs. */
  name?: string;
  /**
   * Who the caller is and how they talk ("an impatient customer who lost their card"), added to
   * the scenario's description in the caller's instructions.
   */
  persona?: string;
  /**
   * The caller's system instructions, replacing the ones built from the scenario's description
   * and `persona`.
   */
  instructions?: string;
}

/**
 * The instructions the caller model gets: play the user of the scenario, one line at a time, and say
 * scripted lines word for word.
 */
export function callerInstructions(description: string, persona: string | undefined): string {
  return [
    "You are the caller in a phone call with a voice agent, a person and not an assistant.",
    `The situation: ${description}`,
    persona === undefined || persona.trim() === "" ? undefined : `Who you are: ${persona}`,
    "Speak only your own next line, briefly, as a caller would, and wait for the agent's answer.",
    "When a message asks you to say a line word for word, say exactly that line and nothing else.",
  ]
    .filter((line): line is string => line !== undefined)
    .join("\n");
}

/** What the caller model is asked when the script gives the user's line. */
function sayExactly(line: string): string {
  return `Say exactly this line to the agent, word for word, and nothing else: "${line}"`;
}

/**
 * A realtime voice model playing the user, over any provider's session: each turn it hears the
 * agent's reply audio (unchanged) and speaks its next line, or says a scripted `user("text")` line
 * given through the session's text input. What it says, audio and transcript, becomes the user's
 * message, which the agent under test receives as audio and the judge reads as text.
 *
 * A provider package subclasses it with `openSession()`, which opens its own session driver
 * instructed with the caller's instructions.
 */
export abstract class RealtimeCallerAgent implements AgentAdapter, ScriptedLineSpeaker {
  /** The agent contract version. */
  readonly specificationVersion = AGENT_SPECIFICATION_VERSION;
  /** It plays the user. */
  readonly role = AgentRole.USER;
  /** `user("text")` steps are handed to it, to be said in its voice. */
  readonly speaksScriptedLines = true;
  /** A display name, used in errors and logs. */
  name: string;
  private readonly caller: RealtimeCallerOptions;
  private session: VoiceTransportAgent | undefined;

  constructor(caller: RealtimeCallerOptions, defaultName: string) {
    this.caller = { ...caller };
    this.name = caller.name ?? defaultName;
  }

  /**
   * Builds the provider's session driver (not yet connected) for a caller with these instructions,
   * named `name` in its errors.
   */
  protected abstract openSession(instructions: string, name: string): VoiceTransportAgent;

  /** Opens the caller's realtime session, instructed from the scenario's description and persona. */
  async connect(context: AgentConnectContext): Promise<void> {
    await this.disconnect();
    const instructions =
      this.caller.instructions ?? callerInstructions(context.scenarioConfig.description, this.caller.persona);
    const session = this.openSession(instructions, this.name);
    // The scenario's audio hooks and playback watch the agent under test's call, not this one.
    session.role = AgentRole.USER;
    await session.connect(context);
    this.session = session;
  }

  /** Closes the caller's session. */
  async disconnect(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.disconnect();
  }

  /**
   * One caller turn: plays the agent's new replies to the model (their audio; their words alone when
   * a scripted line follows, so the line request comes after them), lets it speak, and returns what
   * it said as the user's voice message.
   */
  async call(input: AgentInput): Promise<ModelMessage> {
    const session = this.session;
    if (session === undefined) {
      throw new ConfigurationError(
        `${this.name} is not connected: run it through run() or call connect() first.`,
      );
    }
    const heard = input.newMessages.filter((message) => message.role === "assistant");
    const line = input.scriptedLine;
    const newMessages: ModelMessage[] =
      line === undefined
        ? heard.flatMap(agentReplyAsAudio)
        : [...heard.flatMap(agentReplyAsText), { role: "user", content: sayExactly(line) }];
    const { interruptionPlan: _plan, scriptedLine: _line, ...rest } = input;
    const returned = await session.call({ ...rest, newMessages });
    const replies = (Array.isArray(returned) ? returned : [returned]) as ModelMessage[];
    const spoken = replies.filter((message) => message?.role === "assistant").at(-1);
    const audio = spoken === undefined ? undefined : audioFromMessage(spoken);
    const transcript = spoken === undefined ? "" : transcriptOf(spoken);
    if (audio === undefined || audio.data.byteLength === 0) {
      throw new VoiceServerError(
        `${this.name}: the caller model said nothing this turn. Check its instructions and persona, or the voice server's logs.`,
      );
    }
    return voiceMessage("user", audio.data, transcript);
  }
}

/** The agent's reply as the caller model hears it: its audio, or its words when it has none. */
function agentReplyAsAudio(message: ModelMessage): ModelMessage[] {
  const audio = audioFromMessage(message);
  if (audio !== undefined && audio.data.byteLength > 0) {
    return [voiceMessage("user", audio.data, transcriptOf(message))];
  }
  return agentReplyAsText(message);
}

function agentReplyAsText(message: ModelMessage): ModelMessage[] {
  const text = transcriptOf(message).trim();
  return text === "" ? [] : [{ role: "user", content: `The agent said: ${text}` }];
}
