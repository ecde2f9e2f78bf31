import {
  AgentRole,
  isVoiceAgentAdapter,
  type ModelMessage,
  VoiceFirstAudioTimeoutError,
  VoiceServerError,
  VoiceStreamEndedError,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { concatPcm, pcmByteLength, pcmDurationMs } from "./pcm";
import {
  AudioOnlyVoiceAgent,
  inputFor,
  lastMessage,
  manualClock,
  rampAudio,
  recordingOf,
  ScriptedVoiceAgent,
  tone,
} from "./scripted-voice-agent";
import type { TextToSpeechProvider } from "./speech-provider";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";

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
    expect(agent.log.interrupts).toEqual([
      { reason: "max-length", playedMs: 150, receivedMs: 150, replyDelivered: false },
    ]);
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
