import { AgentRole } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { concatPcm, pcmByteLength } from "./pcm";
import {
  inputFor,
  lastMessage,
  manualClock,
  rampAudio,
  recordingOf,
  ScriptedVoiceAgent,
  tone,
} from "./scripted-voice-agent";
import type { VoiceAgentAdapterOptions } from "./voice-agent-adapter";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";

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
    expect(agent.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 200, receivedMs: 200, replyDelivered: false },
    ]);

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
    expect(interrupt?.details?.responseMs).toBe(Math.round(recording.latency.interruptResponseTimesMs[0]!));
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
    expect(agent.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 0, receivedMs: 0, replyDelivered: false },
    ]);
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

  it("honours the turn's interruptionPlan: cuts at exactly afterMs of reply audio", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(rampAudio(100), "one ");
      transport.agentSpeaks(rampAudio(100, 1), "two ");
      transport.agentSpeaks(rampAudio(100, 2), "three");
    };
    // A planner among the agents is not searched for: only the declared input field counts.
    const simulator = { role: AgentRole.USER, call: () => null, planInterruption: () => ({ afterMs: 10 }) };
    await agent.connect({ scenarioConfig: { name: "x", description: "y", agents: [] }, threadId: "t" });
    const result = await agent.call(
      inputFor([voiceMessage("user", tone(100), "go")], [agent, simulator], { afterMs: 150 }),
    );
    const audio = audioFromMessage(lastMessage(result))?.data;
    expect(audio).toEqual(concatPcm([rampAudio(100), rampAudio(100, 1)]).subarray(0, pcmByteLength(150)));
    expect(agent.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 150, receivedMs: 150, replyDelivered: false },
    ]);
    const recording = recordingOf(agent);
    expect(recording.segments[1]?.transcriptTruncated).toBe(true);
    expect(recording.timeline.filter((event) => event.type === "user-interrupt")).toMatchObject([
      { outcome: "fired-after-speech", details: { playedMs: 150 } },
    ]);
  });

  it("does not interrupt without a plan, even with a planner among the agents", async () => {
    const agent = new ScriptedVoiceAgent();
    agent.onEndTurn = (transport) => {
      transport.agentSpeaks(rampAudio(300));
      transport.agentEnds("done");
    };
    const simulator = { role: AgentRole.USER, call: () => null, planInterruption: () => ({ afterMs: 10 }) };
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
    expect(agent.log.interrupts).toEqual([
      { reason: "barge-in", playedMs: 300, receivedMs: 1000, replyDelivered: true },
    ]);
    const segment = recordingOf(agent).segments[1];
    expect(segment?.endMs).toBe((segment?.startMs ?? 0) + 300);
  });
});
