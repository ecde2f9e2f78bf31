import { run } from "@scenario/core";
import { agent, succeed, user } from "@scenario/script";
import {
  type AgentAdapter,
  type AgentInput,
  AgentRole,
  type AudioChunk,
  type ModelMessage,
  type ScenarioExecutionLike,
  type ScenarioExecutionStateLike,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import {
  audioFromMessage,
  backgroundNoise,
  fliteSpeech,
  isVoiceMessage,
  pcmDurationMs,
  type SynthesizeOptions,
  speak,
  type TextToSpeechProvider,
  transcriptOf,
  voiceStyle,
  voiceStyleOf,
  voiceUserSimulatorAgent,
} from "./index";
import { sineTone } from "./test-signals";

function recordingTts() {
  const calls: Array<{ text: string; options: SynthesizeOptions }> = [];
  const tts: TextToSpeechProvider = {
    id: "recording",
    async synthesize(text, options = {}): Promise<AudioChunk> {
      calls.push({ text, options });
      return { data: sineTone(300, 200, 0.3), transcript: text };
    },
  };
  return { tts, calls };
}

/** A text simulator with fixed lines, which keeps what it was shown. */
function scriptedSimulator(lines: string[]) {
  const seen: ModelMessage[][] = [];
  const simulator: AgentAdapter = {
    role: AgentRole.USER,
    name: "Scripted",
    call(input) {
      seen.push(input.messages);
      return lines.shift() ?? "nothing more";
    },
  };
  return { simulator, seen };
}

function inputWith(messages: ModelMessage[]): AgentInput {
  return {
    threadId: "t",
    messages,
    newMessages: messages,
    requestedRole: AgentRole.USER,
    scenarioState: {} as ScenarioExecutionStateLike,
    scenarioConfig: { name: "n", description: "d", agents: [] },
    recordUsage: () => {},
  };
}

describe("voiceUserSimulatorAgent", () => {
  it("speaks the text simulator's line and returns a voice message", async () => {
    const { tts, calls } = recordingTts();
    const { simulator } = scriptedSimulator(["I want to check my balance"]);
    const voiceUser = voiceUserSimulatorAgent({ simulator, tts, voice: "rms", voiceStyle: "calm" });
    expect(voiceUser.role).toBe(AgentRole.USER);
    const message = (await voiceUser.call(inputWith([]))) as ModelMessage;
    expect(message.role).toBe("user");
    expect(transcriptOf(message)).toBe("I want to check my balance");
    expect(pcmDurationMs(audioFromMessage(message)?.data ?? new Uint8Array())).toBe(200);
    expect(voiceStyleOf(message)).toBe("calm");
    expect(calls).toEqual([{ text: "I want to check my balance", options: { voice: "rms", style: "calm" } }]);
  });

  it("shows the text simulator transcripts, never audio", async () => {
    const { tts } = recordingTts();
    const { simulator, seen } = scriptedSimulator(["ok"]);
    const voiceUser = voiceUserSimulatorAgent({ simulator, tts });
    const agentTurn = (await voiceUserSimulatorAgent({
      simulator: scriptedSimulator(["hi"]).simulator,
      tts,
    }).call(inputWith([]))) as ModelMessage;
    const spokenReply: ModelMessage = { ...agentTurn, role: "assistant" } as ModelMessage;
    await voiceUser.call(inputWith([agentTurn, spokenReply]));
    expect(seen[0]?.every((message) => !isVoiceMessage(message))).toBe(true);
    expect(seen[0]?.map(transcriptOf)).toEqual(["hi", "hi"]);
  });

  it("passes on what it cannot speak (null, a judge result) unchanged", async () => {
    const { tts, calls } = recordingTts();
    const silent: AgentAdapter = { role: AgentRole.USER, call: () => null };
    expect(await voiceUserSimulatorAgent({ simulator: silent, tts }).call(inputWith([]))).toBeNull();
    expect(calls).toHaveLength(0);
  });

  it("applies effects with a fresh, reproducible seed per line", async () => {
    const { tts } = recordingTts();
    const make = () =>
      voiceUserSimulatorAgent({
        simulator: scriptedSimulator(["one", "two"]).simulator,
        tts,
        effects: [backgroundNoise({ levelDb: -30 })],
        seed: 5,
      });
    const first = make();
    const second = make();
    const a1 = audioFromMessage((await first.call(inputWith([]))) as ModelMessage)?.data;
    const a2 = audioFromMessage((await first.call(inputWith([]))) as ModelMessage)?.data;
    const b1 = audioFromMessage((await second.call(inputWith([]))) as ModelMessage)?.data;
    expect(Buffer.from(a1!).equals(Buffer.from(b1!))).toBe(true);
    expect(Buffer.from(a1!).equals(Buffer.from(a2!))).toBe(false);
  });

  it("rejects bad options with clear messages", () => {
    const { tts } = recordingTts();
    const { simulator } = scriptedSimulator([]);
    expect(() => voiceUserSimulatorAgent({ tts } as never)).toThrow(/needs `simulator`/);
    expect(() => voiceUserSimulatorAgent({ simulator } as never)).toThrow(/needs `tts`/);
    expect(() => voiceUserSimulatorAgent({ simulator, tts, interruptProbability: 2 })).toThrow(
      /between 0 and 1, got 2/,
    );
  });
});

describe("planInterruption", () => {
  const { tts } = recordingTts();
  const { simulator } = scriptedSimulator([]);
  const plans = (probability: number, seed: number) => {
    const voiceUser = voiceUserSimulatorAgent({ simulator, tts, interruptProbability: probability, seed });
    return Array.from({ length: 200 }, (_, turn) => voiceUser.planInterruption({ turn }));
  };

  it("never plans at 0 and always at 1", () => {
    expect(plans(0, 1).every((plan) => plan === null)).toBe(true);
    expect(plans(1, 1).every((plan) => plan !== null)).toBe(true);
  });

  it("plans the same under the same seed, differently under another", () => {
    expect(plans(0.5, 7)).toEqual(plans(0.5, 7));
    expect(plans(0.5, 7)).not.toEqual(plans(0.5, 8));
  });

  it("plans about the asked share of turns, within 300-1500 ms", () => {
    const planned = plans(0.3, 11).filter((plan) => plan !== null);
    expect(planned.length).toBeGreaterThan(40);
    expect(planned.length).toBeLessThan(80);
    expect(planned.every((plan) => plan.afterMs >= 300 && plan.afterMs <= 1500)).toBe(true);
    expect(new Set(planned.map((plan) => plan.afterMs)).size).toBeGreaterThan(20);
  });

  it("does not depend on the order of the questions", () => {
    const voiceUser = voiceUserSimulatorAgent({ simulator, tts, interruptProbability: 0.5, seed: 3 });
    const later = voiceUser.planInterruption({ turn: 9 });
    voiceUser.planInterruption({ turn: 1 });
    expect(voiceUser.planInterruption({ turn: 9 })).toEqual(later);
  });
});

describe("speak", () => {
  it("speaks a fixed line with flite and effects, reproducibly", async () => {
    const tts = fliteSpeech();
    const effects = [backgroundNoise({ levelDb: -35 })];
    const first = await speak("Hello there", { tts, effects, seed: 1 });
    const again = await speak("Hello there", { tts, effects, seed: 1 });
    expect(first.transcript).toBe("Hello there");
    expect(pcmDurationMs(first.data)).toBeGreaterThan(300);
    expect(Buffer.from(first.data).equals(Buffer.from(again.data))).toBe(true);
  });
});

describe("voiceStyle step", () => {
  it("sets the style of the next user turns in a real run", async () => {
    const { tts, calls } = recordingTts();
    const voiceUser = voiceUserSimulatorAgent({
      simulator: scriptedSimulator(["first line", "second line"]).simulator,
      tts,
    });
    const heard: string[] = [];
    const echo: AgentAdapter = {
      role: AgentRole.AGENT,
      call(input) {
        const last = input.messages.at(-1);
        heard.push(`${last ? transcriptOf(last) : ""}|${last && audioFromMessage(last) ? "audio" : "text"}`);
        return "noted";
      },
    };
    const result = await run({
      name: "voice style",
      description: "A caller in a hurry.",
      agents: [voiceUser, echo],
      script: [user(), agent(), voiceStyle("hurried"), user(), agent(), succeed("done")],
    });
    expect(result.success).toBe(true);
    expect(calls.map((call) => call.options.style)).toEqual([undefined, "hurried"]);
    expect(heard).toEqual(["first line|audio", "second line|audio"]);
    const userMessages = result.messages.filter((message) => message.role === "user");
    expect(userMessages.map(voiceStyleOf)).toEqual([undefined, "hurried"]);
  });

  it("explains a scenario without a voice user simulator", async () => {
    const step = voiceStyle("angry");
    const execution = {
      agents: [{ role: AgentRole.USER, call: () => "x" }],
    } as unknown as ScenarioExecutionLike;
    expect(() => step({} as ScenarioExecutionStateLike, execution)).toThrow(/needs a voice user simulator/);
  });
});
