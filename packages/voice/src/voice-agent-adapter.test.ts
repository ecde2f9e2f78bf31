import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  type AudioChunk,
  isVoiceAgentAdapter,
  type ModelMessage,
  type VoiceCapabilities,
  VoiceFirstAudioTimeoutError,
  type VoiceRecording,
  VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { concatPcm, pcmByteLength, pcmDurationMs } from "./pcm";
import type { TextToSpeechProvider } from "./speech-provider";
import { sineTone } from "./test-signals";
import {
  VoiceAgentAdapter,
  type VoiceAgentAdapterOptions,
  type VoiceInterruptContext,
} from "./voice-agent-adapter";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";

/** Milliseconds of a 440 Hz tone, as recognisable test audio. */
function tone(ms: number, frequency = 440): Uint8Array {
  return sineTone(frequency, ms);
}

/** Audio whose bytes count up, so any reordering or loss shows. */
function rampAudio(ms: number, seed = 0): Uint8Array {
  const audio = new Uint8Array(pcmByteLength(ms));
  for (let index = 0; index < audio.length; index++) audio[index] = (index + seed) % 251;
  return audio;
}

interface TransportLog {
  sent: Uint8Array[];
  texts: string[];
  endTurns: number;
  interrupts: VoiceInterruptContext[];
  dtmf: string[];
  connected: boolean;
}

/** An in-memory transport: the test plays the agent through the `agent*` helpers. */
class ScriptedVoiceAgent extends VoiceAgentAdapter {
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
      formats: ["pcm16-24khz"],
      nativeVad: false,
      interruption: true,
      dtmf: false,
      streamingTranscripts: true,
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
class AudioOnlyVoiceAgent extends ScriptedVoiceAgent {
  protected override transportSendText = undefined;
}

function inputFor(newMessages: ModelMessage[], agents: AgentAdapter[] = [], turn = 0): AgentInput {
  return {
    threadId: "thread-1",
    messages: newMessages,
    newMessages,
    requestedRole: AgentRole.AGENT,
    scenarioState: { currentTurn: turn } as AgentInput["scenarioState"],
    scenarioConfig: { name: "voice", description: "a call", agents },
    recordUsage: () => undefined,
  };
}

function manualClock(start = 1000) {
  let now = start;
  return {
    clock: () => now,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function recordingOf(agent: VoiceAgentAdapter): VoiceRecording {
  return agent.collectArtifacts().voice;
}

function lastMessage(result: unknown): ModelMessage {
  const messages = result as ModelMessage[];
  return messages[messages.length - 1]!;
}

describe("VoiceAgentAdapter default turn", () => {
  it("implements the voice contract", () => {
    const agent = new ScriptedVoiceAgent();
    expect(isVoiceAgentAdapter(agent)).toBe(true);
    expect(agent.role).toBe(AgentRole.AGENT);
    expect(agent.name).toBe("ScriptedVoiceAgent");
    expect(agent.specificationVersion).toBe("scenario.agent.v1");
  });

  it("sends the user's audio, ends the turn once and returns the reply as a voice message", async () => {
    const { clock, advance } = manualClock();
    const agent = new ScriptedVoiceAgent({ clock, userAudioFrameMs: 40 });
    const userAudio = rampAudio(500);
    const agentAudio = rampAudio(300, 7);
    agent.onEndTurn = (transport) => {
      advance(250);
      transport.agentSpeaks(agentAudio.subarray(0, 4800), "Your balance ");
      transport.agentSpeaks(agentAudio.subarray(4800), "is 42 euros.");
      transport.agentEnds();
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });

    const result = await agent.call(inputFor([voiceMessage("user", userAudio, "What is my balance?")]));

    expect(concatPcm(agent.log.sent)).toEqual(userAudio);
    // 500 ms in 40 ms frames.
    expect(agent.log.sent).toHaveLength(13);
    expect(agent.log.endTurns).toBe(1);
    const reply = lastMessage(result);
    expect(reply.role).toBe("assistant");
    expect(transcriptOf(reply)).toBe("Your balance is 42 euros.");
    expect(audioFromMessage(reply)?.data).toEqual(agentAudio);

    const recording = recordingOf(agent);
    expect(recording.latency.timeToFirstAudioMs).toEqual([250]);
    const [user, agentSegment] = recording.segments;
    expect(user).toMatchObject({
      speaker: "user",
      startMs: 0,
      endMs: 500,
      transcript: "What is my balance?",
    });
    expect(user?.audio).toEqual(userAudio);
    // The agent started 250 ms after the user's 500 ms of audio and spoke for 300 ms.
    expect(agentSegment).toMatchObject({
      speaker: "agent",
      startMs: 750,
      endMs: 1050,
      transcript: "Your balance is 42 euros.",
    });
    expect(agentSegment?.transcriptTruncated).toBeUndefined();
    expect(recording.timeline.map((event) => event.type)).toEqual([
      "user-started-speaking",
      "user-stopped-speaking",
      "agent-started-speaking",
      "agent-stopped-speaking",
    ]);
  });

  it("keeps segments in call time across turns, so they never overlap and last as long as their audio", async () => {
    const { clock, advance } = manualClock();
    const agent = new ScriptedVoiceAgent({ clock });
    agent.onEndTurn = (transport) => {
      advance(100);
      transport.agentSpeaks(tone(400));
      transport.agentEnds("Sure.");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    await agent.call(inputFor([voiceMessage("user", tone(200, 300), "one")]));
    await agent.call(inputFor([voiceMessage("user", tone(300, 300), "two")]));

    const { segments, latency } = recordingOf(agent);
    expect(segments.map((segment) => [segment.speaker, segment.startMs, segment.endMs])).toEqual([
      ["user", 0, 200],
      ["agent", 300, 700],
      ["user", 700, 1000],
      ["agent", 1100, 1500],
    ]);
    for (const segment of segments) {
      expect(segment.endMs - segment.startMs).toBeCloseTo(pcmDurationMs(segment.audio), 6);
    }
    expect(latency.timeToFirstAudioMs).toEqual([100, 100]);
  });

  it("records the voice style of the user's message on their segment", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(tone(100));
      transport.agentEnds("ok");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    await agent.call(inputFor([voiceMessage("user", tone(200), "hurry up", { voiceStyle: "hurried" })]));
    expect(recordingOf(agent).segments[0]).toMatchObject({ speaker: "user", voiceStyle: "hurried" });
  });

  it("speaks text-only user messages with the speech option", async () => {
    const spoken = tone(250, 500);
    const speech: TextToSpeechProvider = {
      id: "test",
      synthesize: async (text) => ({ data: spoken, transcript: text }),
    };
    const agent = new AudioOnlyVoiceAgent({ speech });
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(tone(100));
      transport.agentEnds("ok");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    await agent.call(inputFor([{ role: "user", content: "hello there" }]));
    expect(concatPcm(agent.log.sent)).toEqual(spoken);
    expect(recordingOf(agent).segments[0]).toMatchObject({ speaker: "user", transcript: "hello there" });
  });

  it("sends text-only user messages as text when the transport accepts text", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(tone(100));
      transport.agentEnds("ok");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    await agent.call(inputFor([{ role: "user", content: "hello there" }]));
    expect(agent.log.texts).toEqual(["hello there"]);
    expect(agent.log.sent).toEqual([]);
  });

  it("refuses text it cannot speak, naming the fix", async () => {
    const agent = new AudioOnlyVoiceAgent();
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const failure = agent.call(inputFor([{ role: "user", content: "hello" }]));
    await expect(failure).rejects.toBeInstanceOf(VoiceUnsupportedError);
    await expect(failure).rejects.toThrow(/`speech` option/);
  });

  it("ends a reply after a tail of silence when the transport never says it is over", async () => {
    const agent = new ScriptedVoiceAgent({ silenceTailMs: 40 });
    agent.onEndTurn = (transport) => transport.agentSpeaks(tone(200), "hi");
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = await agent.call(inputFor([voiceMessage("user", tone(100), "hey")]));
    expect(transcriptOf(lastMessage(result))).toBe("hi");
    expect(audioFromMessage(lastMessage(result))?.data.byteLength).toBe(pcmByteLength(200));
  });

  it("cuts a reply at maxReplyMs, cancels it natively and marks the segment truncated", async () => {
    const agent = new ScriptedVoiceAgent({ maxReplyMs: 150 });
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(tone(100));
      transport.agentSpeaks(tone(100));
      transport.agentSpeaks(tone(100));
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = await agent.call(inputFor([voiceMessage("user", tone(100), "talk")]));
    expect(audioFromMessage(lastMessage(result))?.data.byteLength).toBe(pcmByteLength(150));
    expect(agent.log.interrupts).toEqual([{ playedMs: 150, replyDelivered: false }]);
    expect(recordingOf(agent).segments[1]?.transcriptTruncated).toBe(true);
  });

  it("returns tool calls and results before the voice message and puts them on the timeline", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentCallsTool("call-1", "get_balance", { account: "main" }, { balance: 42 });
      transport.agentSpeaks(tone(100));
      transport.agentEnds("It is 42.");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = (await agent.call(
      inputFor([voiceMessage("user", tone(100), "balance?")]),
    )) as ModelMessage[];
    expect(result.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(result[0]?.content).toEqual([
      { type: "tool-call", toolCallId: "call-1", toolName: "get_balance", input: { account: "main" } },
    ]);
    expect(result[1]?.content).toEqual([
      {
        type: "tool-result",
        toolCallId: "call-1",
        toolName: "get_balance",
        output: { type: "json", value: { balance: 42 } },
      },
    ]);
    const timeline = recordingOf(agent).timeline.filter((event) => event.type.startsWith("tool-"));
    expect(timeline).toMatchObject([
      {
        type: "tool-call",
        toolName: "get_balance",
        details: { callId: "call-1", input: { account: "main" } },
      },
      {
        type: "tool-result",
        toolName: "get_balance",
        details: { callId: "call-1", output: { balance: 42 } },
      },
    ]);
  });
});

describe("VoiceAgentAdapter errors", () => {
  it("fails with VoiceFirstAudioTimeoutError when no audio comes", async () => {
    const agent = new ScriptedVoiceAgent({ firstAudioTimeoutMs: 60 });
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const failure = agent.call(inputFor([voiceMessage("user", tone(100), "anyone?")]));
    await expect(failure).rejects.toBeInstanceOf(VoiceFirstAudioTimeoutError);
    await expect(failure).rejects.toThrow("no audio within 60 ms after the user's turn");
    // The late reply is cancelled so it cannot leak into the next turn.
    expect(agent.log.interrupts).toHaveLength(1);
  });

  it("fails with VoiceStreamEndedError when the connection drops mid-reply, keeping what was heard", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(tone(120));
      transport.connectionDrops("code 1011");
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const failure = agent.call(inputFor([voiceMessage("user", tone(100), "hello")]));
    await expect(failure).rejects.toBeInstanceOf(VoiceStreamEndedError);
    await expect(failure).rejects.toThrow(
      /in the middle of a reply after 120 ms of reply audio \(code 1011\)/,
    );
    expect(recordingOf(agent).segments.map((segment) => segment.speaker)).toEqual(["user", "agent"]);
    // And the next turn says the connection is gone.
    await expect(agent.call(inputFor([]))).rejects.toBeInstanceOf(VoiceStreamEndedError);
  });

  it("passes a server error through as VoiceServerError", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => transport.serverFails("quota exceeded");
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const failure = agent.call(inputFor([voiceMessage("user", tone(100), "hello")]));
    await expect(failure).rejects.toBeInstanceOf(VoiceServerError);
    await expect(failure).rejects.toThrow("quota exceeded");
  });

  it("reports a server error that arrived between turns on the next turn", async () => {
    const agent = new ScriptedVoiceAgent();
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    agent.serverFails("session expired");
    await expect(agent.call(inputFor([]))).rejects.toThrow("session expired");
  });

  it("refuses DTMF without the capability, and sends it with", async () => {
    const plain = new ScriptedVoiceAgent();
    await expect(plain.sendDtmf("12#")).rejects.toBeInstanceOf(VoiceUnsupportedError);
    const phone = new ScriptedVoiceAgent({ capabilities: { dtmf: true } });
    await phone.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    await expect(phone.sendDtmf("12a")).rejects.toThrow(/0-9, \* and #/);
    await phone.sendDtmf("12#");
    expect(phone.log.dtmf).toEqual(["12#"]);
  });

  it("rejects bad options with a clear message", () => {
    expect(() => new ScriptedVoiceAgent({ firstAudioTimeoutMs: -1 })).toThrow(
      /firstAudioTimeoutMs must be a positive/,
    );
    expect(() => new ScriptedVoiceAgent({ playback: "slow" as never })).toThrow(/playback must be/);
  });
});

describe("VoiceAgentAdapter barge-in", () => {
  async function speakingAgent(options: VoiceAgentAdapterOptions = {}) {
    const agent = new ScriptedVoiceAgent(options);
    let replyStarted!: () => void;
    const started = new Promise<void>((resolve) => {
      replyStarted = resolve;
    });
    agent.onEndTurn = (transport) => {
      setTimeout(() => {
        transport.agentSpeaks(rampAudio(200), "I will now explain ");
        replyStarted();
      }, 5);
    };
    // The transport confirms the cancel a little later, as a server would.
    agent.onInterrupt = (transport) => {
      setTimeout(() => {
        transport.agentSpeaks(rampAudio(500, 3), "everything about fees");
        transport.agentEnds();
      }, 5);
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    return { agent, started };
  }

  it("cuts the reply in flight: native cancel, truncated segment, interrupt event and response time", async () => {
    const { agent, started } = await speakingAgent();
    const turn = agent.call(inputFor([voiceMessage("user", tone(100), "tell me")]));
    await started;
    const outcome = await agent.interrupt();
    expect(outcome).toBe("fired-after-speech");

    const reply = lastMessage(await turn);
    // Nothing of what the transport sent after the cancel was accepted.
    expect(audioFromMessage(reply)?.data).toEqual(rampAudio(200));
    expect(transcriptOf(reply)).toBe("I will now explain");
    expect(agent.log.interrupts).toEqual([{ playedMs: 200, replyDelivered: false }]);

    // Give the transport's late audio time to arrive: none of it may open another segment.
    await new Promise((resolve) => setTimeout(resolve, 20));
    const recording = recordingOf(agent);
    const agentSegments = recording.segments.filter((segment) => segment.speaker === "agent");
    expect(agentSegments).toHaveLength(1);
    const agentSegment = agentSegments[0];
    expect(agentSegment?.transcriptTruncated).toBe(true);
    expect(agentSegment?.audio).toEqual(rampAudio(200));
    expect(agentSegment?.endMs).toBe((agentSegment?.startMs ?? 0) + 200);
    const interrupt = recording.timeline.find((event) => event.type === "user-interrupt");
    expect(interrupt).toMatchObject({ outcome: "fired-after-speech", atMs: agentSegment?.endMs });
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(recording.latency.interruptResponseTimesMs[0]).toBeGreaterThanOrEqual(0);
  });

  it("records fired-before-speech when the agent had not spoken yet", async () => {
    const agent = new ScriptedVoiceAgent();
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const turn = agent.call(inputFor([voiceMessage("user", tone(100), "hello")]));
    // Called at once, while the turn is still sending: the barge-in waits for the request, then cancels it.
    const outcome = await agent.interrupt();
    expect(outcome).toBe("fired-before-speech");
    const reply = lastMessage(await turn);
    expect(audioFromMessage(reply)?.data.byteLength).toBe(0);
    expect(agent.log.interrupts).toEqual([{ playedMs: 0, replyDelivered: false }]);
    expect(recordingOf(agent).timeline.find((event) => event.type === "user-interrupt")?.outcome).toBe(
      "fired-before-speech",
    );
  });

  it("records nothing-to-interrupt when no reply is in flight", async () => {
    const agent = new ScriptedVoiceAgent();
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    expect(await agent.interrupt()).toBe("nothing-to-interrupt");
    expect(agent.log.interrupts).toEqual([]);
    expect(recordingOf(agent).timeline).toMatchObject([
      { type: "user-interrupt", outcome: "nothing-to-interrupt" },
    ]);
  });

  it("honours a simulator's planInterruption: cuts at exactly afterMs of reply audio", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(rampAudio(100), "one ");
      transport.agentSpeaks(rampAudio(100, 1), "two ");
      transport.agentSpeaks(rampAudio(100, 2), "three");
    };
    const turns: number[] = [];
    const simulator = {
      role: AgentRole.USER,
      call: () => null,
      planInterruption: ({ turn }: { turn: number }) => {
        turns.push(turn);
        return { afterMs: 150 };
      },
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = await agent.call(inputFor([voiceMessage("user", tone(100), "go")], [agent, simulator], 3));
    expect(turns).toEqual([3]);
    const audio = audioFromMessage(lastMessage(result))?.data;
    expect(audio).toEqual(concatPcm([rampAudio(100), rampAudio(100, 1)]).subarray(0, pcmByteLength(150)));
    expect(agent.log.interrupts).toEqual([{ playedMs: 150, replyDelivered: false }]);
    const recording = recordingOf(agent);
    expect(recording.segments[1]?.transcriptTruncated).toBe(true);
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "fired-after-speech", details: { playedMs: 150 } },
    ]);
  });

  it("does not interrupt when the plan says null", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(rampAudio(300));
      transport.agentEnds("done");
    };
    const simulator = { role: AgentRole.USER, call: () => null, planInterruption: () => null };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = await agent.call(inputFor([voiceMessage("user", tone(100), "go")], [simulator]));
    expect(audioFromMessage(lastMessage(result))?.data).toEqual(rampAudio(300));
    expect(agent.log.interrupts).toEqual([]);
  });

  it("with real-time playback, keeps only the audio the caller heard before the barge-in", async () => {
    const { clock, advance } = manualClock();
    const agent = new ScriptedVoiceAgent({ clock, playback: "realtime" });
    let started!: () => void;
    const speaking = new Promise<void>((resolve) => {
      started = resolve;
    });
    agent.onEndTurn = (transport) => {
      setTimeout(() => {
        // A whole second of audio arrives at once, and the server is done sending.
        transport.agentSpeaks(rampAudio(1000), "a long answer");
        transport.agentEnds();
        started();
      }, 5);
    };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const turn = agent.call(inputFor([voiceMessage("user", tone(100), "go")]));
    await speaking;
    advance(300);
    expect(await agent.interrupt()).toBe("fired-after-speech");
    const reply = lastMessage(await turn);
    expect(audioFromMessage(reply)?.data).toEqual(rampAudio(1000).subarray(0, pcmByteLength(300)));
    // Delivered in full already: only the server's copy is truncated to what was heard.
    expect(agent.log.interrupts).toEqual([{ playedMs: 300, replyDelivered: true }]);
    const segment = recordingOf(agent).segments[1];
    expect(segment?.endMs).toBe((segment?.startMs ?? 0) + 300);
  });
});
