import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  type AudioChunk,
  type ModelMessage,
  type VoiceCapabilities,
  type VoiceInterruptContext,
  type VoiceRecording,
  VoiceServerError,
} from "@scenario/spec";
import { pcmByteLength } from "./pcm";
import { sineTone } from "./test-signals";
import { VoiceAgentAdapter, type VoiceAgentAdapterOptions } from "./voice-agent-adapter";

// A VoiceAgentAdapter subclass whose "transport" the test plays through the agent* helpers, for
// the tests of the class API (voice-agent-adapter*.test.ts). Not exported from the package.

/** Milliseconds of a 440 Hz tone, as recognisable test audio. */
export function tone(ms: number, frequency = 440): Uint8Array {
  return sineTone(frequency, ms);
}

/** Audio whose bytes count up, so any reordering or loss shows. */
export function rampAudio(ms: number, seed = 0): Uint8Array {
  const audio = new Uint8Array(pcmByteLength(ms));
  for (let index = 0; index < audio.length; index++) audio[index] = (index + seed) % 251;
  return audio;
}

export interface TransportLog {
  sent: Uint8Array[];
  texts: string[];
  endTurns: number;
  interrupts: VoiceInterruptContext[];
  dtmf: string[];
  connected: boolean;
}

/** An in-memory transport: the test plays the agent through the `agent*` helpers. */
export class ScriptedVoiceAgent extends VoiceAgentAdapter {
  readonly capabilities: VoiceCapabilities;
  readonly log: TransportLog = {
    sent: [],
    texts: [],
    endTurns: 0,
    interrupts: [],
    dtmf: [],
    connected: false,
  };
  /** Runs when the user's turn ends: the test's agent replies from here. */
  onEndTurn: (agent: ScriptedVoiceAgent) => void = () => undefined;
  /** Runs when the adapter interrupts natively. */
  onInterrupt: (agent: ScriptedVoiceAgent) => void = (agent) => agent.agentEnds();

  constructor(options: VoiceAgentAdapterOptions & { capabilities?: Partial<VoiceCapabilities> } = {}) {
    super(options);
    this.capabilities = {
      inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
      bargeIn: "native",
      serverVad: false,
      toolCalls: true,
      toolResults: true,
      dtmf: false,
      textInput: true,
      agentTranscripts: true,
      userTranscripts: false,
      replyEnd: true,
      ...options.capabilities,
    };
  }

  protected async transportConnect(): Promise<void> {
    this.log.connected = true;
  }
  protected async transportDisconnect(): Promise<void> {
    this.log.connected = false;
  }
  protected async transportSendAudio(chunk: AudioChunk): Promise<void> {
    this.log.sent.push(chunk.data.slice());
  }
  protected async transportEndTurn(): Promise<void> {
    this.log.endTurns++;
    this.onEndTurn(this);
  }
  protected override async transportInterrupt(context: VoiceInterruptContext): Promise<void> {
    this.log.interrupts.push(context);
    this.onInterrupt(this);
  }
  protected override async transportSendDtmf(digits: string): Promise<void> {
    this.log.dtmf.push(digits);
  }
  protected override transportSendText?: (text: string) => Promise<void> = async (text) => {
    this.log.texts.push(text);
  };

  agentSpeaks(pcm: Uint8Array, transcriptDelta?: string): void {
    if (transcriptDelta !== undefined) this.handleAgentTranscript(transcriptDelta);
    this.handleAgentAudio(pcm);
  }
  agentEnds(transcript?: string): void {
    this.handleReplyEnd(transcript === undefined ? {} : { transcript });
  }
  agentCallsTool(callId: string, toolName: string, input: unknown, output: unknown): void {
    this.handleToolCall({ callId, toolName, input });
    this.handleToolResult({ callId, toolName, output });
  }
  serverFails(message: string): void {
    this.handleServerError(new VoiceServerError(message));
  }
  connectionDrops(detail: string): void {
    this.handleConnectionClosed(detail);
  }
}

/** A text-only transport (no `transportSendText`) for the speech tests. */
export class AudioOnlyVoiceAgent extends ScriptedVoiceAgent {
  protected override transportSendText = undefined;
  constructor(options: VoiceAgentAdapterOptions = {}) {
    super({ ...options, capabilities: { textInput: false } });
  }
}

export function inputFor(
  newMessages: ModelMessage[],
  agents: AgentAdapter[] = [],
  interruptionPlan?: AgentInput["interruptionPlan"],
): AgentInput {
  return {
    ...(interruptionPlan !== undefined && { interruptionPlan }),
    threadId: "thread-1",
    messages: newMessages,
    newMessages,
    requestedRole: AgentRole.AGENT,
    scenarioState: { currentTurn: 0 } as AgentInput["scenarioState"],
    scenarioConfig: { name: "voice", description: "a call", agents },
    recordUsage: () => undefined,
  };
}

export function manualClock(start = 1000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

export function recordingOf(agent: VoiceAgentAdapter): VoiceRecording {
  return agent.collectArtifacts().voice;
}

export function lastMessage(result: unknown): ModelMessage {
  const messages = result as ModelMessage[];
  return messages[messages.length - 1]!;
}
