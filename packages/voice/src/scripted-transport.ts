import {
  type AgentConnectContext,
  type AgentInput,
  AgentRole,
  type ModelMessage,
  VOICE_TRANSPORT_SPECIFICATION_VERSION,
  type VoiceCapabilities,
  type VoiceInterruptContext,
  type VoiceTransport,
  type VoiceTransportEvent,
} from "@scenario/spec";

// An in-memory VoiceTransport for the driver's tests: the test plays the far side through `emit`
// and the hooks. Not exported from the package.

/** 24 kHz mono PCM16 both ways, native barge-in, everything reported. */
export const SCRIPTED_CAPABILITIES: VoiceCapabilities = {
  inputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
  outputAudioFormat: { encoding: "pcm16", sampleRateHz: 24_000 },
  bargeIn: "native",
  serverVad: false,
  toolCalls: true,
  toolResults: true,
  dtmf: false,
  textInput: false,
  agentTranscripts: true,
  userTranscripts: true,
  replyEnd: true,
};

export interface ScriptedTransport {
  transport: VoiceTransport;
  /** What the driver sent. */
  log: {
    frames: Uint8Array[];
    endTurns: number;
    interrupts: VoiceInterruptContext[];
    dtmf: string[];
    closed: number;
  };
  /** Plays the far side: reports an event to the driver. */
  emit(event: VoiceTransportEvent): void;
  /** Runs when the driver ends the user's turn. */
  onEndTurn: () => void;
  /** Runs for each frame the driver sends. */
  onFrame: (frame: Uint8Array) => void;
  /** Runs when the driver interrupts. */
  onInterrupt: (context: VoiceInterruptContext) => void;
}

export function scriptedTransport(capabilities: Partial<VoiceCapabilities> = {}): ScriptedTransport {
  let emitToDriver: ((event: VoiceTransportEvent) => void) | undefined;
  const scripted: ScriptedTransport = {
    log: { frames: [], endTurns: 0, interrupts: [], dtmf: [], closed: 0 },
    emit: (event) => emitToDriver?.(event),
    onEndTurn: () => undefined,
    onFrame: () => undefined,
    onInterrupt: () => undefined,
    transport: {
      specificationVersion: VOICE_TRANSPORT_SPECIFICATION_VERSION,
      name: "ScriptedTransport",
      capabilities: { ...SCRIPTED_CAPABILITIES, ...capabilities },
      async connect(context) {
        emitToDriver = context.emit;
      },
      async close() {
        scripted.log.closed++;
      },
      async sendAudio(data) {
        scripted.log.frames.push(data.slice());
        scripted.onFrame(data);
      },
      async endUserTurn() {
        scripted.log.endTurns++;
        scripted.onEndTurn();
      },
      async interrupt(context) {
        scripted.log.interrupts.push(context);
        scripted.onInterrupt(context);
      },
      async sendDtmf(digits) {
        scripted.log.dtmf.push(digits);
      },
    },
  };
  return scripted;
}

export const CONNECT_CONTEXT: AgentConnectContext = {
  scenarioConfig: { name: "x", description: "y", agents: [] },
  threadId: "t",
};

/** An agent input with these new messages (and optionally a barge-in plan). */
export function inputFor(
  newMessages: ModelMessage[],
  interruptionPlan?: AgentInput["interruptionPlan"],
): AgentInput {
  return {
    threadId: "thread-1",
    messages: newMessages,
    newMessages,
    requestedRole: AgentRole.AGENT,
    scenarioState: { currentTurn: 0 } as AgentInput["scenarioState"],
    scenarioConfig: { name: "voice", description: "a call", agents: [] },
    recordUsage: () => undefined,
    ...(interruptionPlan !== undefined && { interruptionPlan }),
  };
}

/** A clock the test moves by hand. */
export function manualClock(start = 1000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

/** The last message of what `call()` returned. */
export function lastMessage(result: unknown): ModelMessage {
  const messages = result as ModelMessage[];
  return messages[messages.length - 1]!;
}
