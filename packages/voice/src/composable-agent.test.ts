import {
  type AgentInput,
  type AgentReturn,
  AgentRole,
  ConfigurationError,
  type ModelMessage,
  VoiceServerError,
} from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { composableAgent, type StreamingTextAgent } from "./composable-agent";
import { pcmDurationMs } from "./pcm";
import { CONNECT_CONTEXT, inputFor, lastMessage } from "./scripted-transport";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import { sineTone } from "./test-signals";
import { audioFromMessage, transcriptOf, voiceMessage } from "./voice-message";

const WORD_MS = 40;

/** Speaks each word as 40 ms of tone, and logs what it was asked to say. */
function fakeSpeech(log: string[] = []): TextToSpeechProvider & { log: string[] } {
  return {
    id: "fake-tts",
    log,
    async synthesize(text) {
      log.push(text);
      return { data: sineTone(440, WORD_MS * text.split(/\s+/).length), transcript: text };
    },
  };
}

/** "Hears" a fixed line per call, and logs how much audio it was given. */
function fakeTranscription(lines: string[]): SpeechToTextProvider & { heardMs: number[] } {
  const heardMs: number[] = [];
  return {
    id: "fake-stt",
    heardMs,
    async transcribe(audio) {
      heardMs.push(pcmDurationMs(audio instanceof Uint8Array ? audio : audio.data));
      return lines.shift() ?? "";
    },
  };
}

/** A text agent that answers with `reply(input)` and keeps every input it saw. */
function textAgent(reply: (input: AgentInput) => AgentReturn | Promise<AgentReturn>) {
  const inputs: AgentInput[] = [];
  return {
    name: "SupportBot",
    role: AgentRole.AGENT,
    inputs,
    async call(input: AgentInput) {
      inputs.push(input);
      return reply(input);
    },
  };
}

const spokenTurn = (ms: number) => inputFor([voiceMessage("user", sineTone(300, ms), "")]);

/** Waits for `promise`, or fails after `ms` so a test that would hang fails instead. */
async function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<T>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen in time`)), ms);
  });
  try {
    return await Promise.race([promise, bound]);
  } finally {
    clearTimeout(timer);
  }
}

describe("composableAgent: a text agent with a voice", () => {
  it("transcribes the caller, asks the text agent, and speaks its reply sentence by sentence", async () => {
    const tts = fakeSpeech();
    const stt = fakeTranscription(["where is my order 2077"]);
    const text = textAgent(() => [
      {
        role: "assistant",
        content: [
          { type: "tool-call", toolCallId: "c1", toolName: "lookupOrder", input: { orderId: "2077" } },
        ],
      },
      {
        role: "tool",
        content: [
          {
            type: "tool-result",
            toolCallId: "c1",
            toolName: "lookupOrder",
            output: { type: "json", value: { status: "shipped" } },
          },
        ],
      },
      { role: "assistant", content: "Your desk has shipped. It should arrive on Friday." },
    ]);
    const agent = composableAgent({ agent: text, speechToText: stt, textToSpeech: tts });
    await agent.connect(CONNECT_CONTEXT);

    const result = (await agent.call(spokenTurn(500))) as ModelMessage[];

    expect(stt.heardMs).toEqual([500]);
    expect(text.inputs[0]?.messages).toEqual([{ role: "user", content: "where is my order 2077" }]);
    expect(tts.log).toEqual(["Your desk has shipped.", "It should arrive on Friday."]);
    expect(result.map((message) => message.role)).toEqual(["assistant", "tool", "assistant"]);
    expect(result[0]?.content).toMatchObject([{ type: "tool-call", toolName: "lookupOrder" }]);
    const reply = lastMessage(result);
    expect(transcriptOf(reply)).toBe("Your desk has shipped. It should arrive on Friday.");
    // 4 + 5 words of 40 ms each.
    expect(pcmDurationMs(audioFromMessage(reply)!.data)).toBe(9 * WORD_MS);

    const recording = agent.collectArtifacts().voice;
    expect(recording.segments.map((segment) => segment.speaker)).toEqual(["user", "agent"]);
    expect(recording.timeline.map((event) => event.type)).toEqual(
      expect.arrayContaining(["user-transcript", "tool-call", "tool-result"]),
    );
    expect(recording.latency.timeToFirstAudioMs).toHaveLength(1);
    await agent.disconnect();
  });

  it("keeps the text conversation across turns: transcripts and replies, never audio", async () => {
    const text = textAgent((input) => `You said ${input.newMessages.length} thing.`);
    const agent = composableAgent({
      agent: text,
      speechToText: fakeTranscription(["hello", "thanks"]),
      textToSpeech: fakeSpeech(),
    });
    await agent.connect(CONNECT_CONTEXT);
    await agent.call(spokenTurn(200));
    await agent.call(spokenTurn(200));

    expect(text.inputs[1]?.messages).toEqual([
      { role: "user", content: "hello" },
      { role: "assistant", content: "You said 1 thing." },
      { role: "user", content: "thanks" },
    ]);
    expect(text.inputs[1]?.newMessages).toEqual([{ role: "user", content: "thanks" }]);
    await agent.disconnect();
  });

  it("sends a text-only user turn as text when no `speech` is set, without transcribing", async () => {
    const stt = fakeTranscription([]);
    const text = textAgent(() => "Hi there.");
    const agent = composableAgent({ agent: text, speechToText: stt, textToSpeech: fakeSpeech() });
    await agent.connect(CONNECT_CONTEXT);
    const result = await agent.call(inputFor([{ role: "user", content: "Hello from a script" }]));

    expect(stt.heardMs).toEqual([]);
    expect(text.inputs[0]?.messages).toEqual([{ role: "user", content: "Hello from a script" }]);
    expect(transcriptOf(lastMessage(result))).toBe("Hi there.");
    await agent.disconnect();
  });

  it("streams: the first audio reaches the caller before the text agent has finished its reply", async () => {
    const order: string[] = [];
    let heardFirstAudio!: () => void;
    const firstAudio = new Promise<void>((resolve) => {
      heardFirstAudio = resolve;
    });
    const streaming: StreamingTextAgent = {
      name: "StreamingBot",
      async *call() {
        yield "Let me check that for you. ";
        // The rest of the reply is written only once the caller heard the first sentence; an
        // agent that waited for the whole reply would wait here until the bound runs out.
        await within(firstAudio, 5000, "the first audio").catch(() => order.push("no first audio"));
        yield "Your refund of $45.00 ";
        yield "is on its way.";
        order.push("text reply complete");
      },
    };
    const agent = composableAgent({
      agent: streaming,
      speechToText: fakeTranscription(["refund please"]),
      textToSpeech: fakeSpeech(),
    });
    await agent.connect(CONNECT_CONTEXT);
    await agent.sendAudio({ data: sineTone(300, 300) });
    for await (const _chunk of agent.receiveAudio()) {
      if (order.length === 0) {
        order.push("first audio");
        heardFirstAudio();
      }
    }

    expect(order).toEqual(["first audio", "text reply complete"]);
    const segment = agent.collectArtifacts().voice.segments.find((s) => s.speaker === "agent");
    expect(segment?.transcript).toBe("Let me check that for you. Your refund of $45.00 is on its way.");
    await agent.disconnect();
  });

  it("gives the text agent a state of the text conversation when the turn comes from receiveAudio()", async () => {
    const seen: Array<{ turn: number; lastUser: unknown; thread: string }> = [];
    const text = textAgent((input) => {
      seen.push({
        turn: input.scenarioState.currentTurn,
        lastUser: input.scenarioState.lastUserMessage(),
        thread: input.threadId,
      });
      return "Noted.";
    });
    const agent = composableAgent({
      agent: text,
      speechToText: fakeTranscription(["my order is late"]),
      textToSpeech: fakeSpeech(),
    });
    await agent.connect(CONNECT_CONTEXT);
    await agent.sendAudio({ data: sineTone(300, 200) });
    for await (const _chunk of agent.receiveAudio()) {
      // Drains the reply.
    }
    expect(seen).toEqual([{ turn: 1, lastUser: { role: "user", content: "my order is late" }, thread: "t" }]);
    await agent.disconnect();
  });

  it("stops at a barge-in: the text agent is aborted and remembers only what was said", async () => {
    let aborted = false;
    let spokeFirstSentence!: () => void;
    const firstSentenceSpoken = new Promise<void>((resolve) => {
      spokeFirstSentence = resolve;
    });
    const seen: ModelMessage[][] = [];
    let turn = 0;
    const streaming: StreamingTextAgent = {
      async *call(input) {
        seen.push(input.messages);
        if (turn++ > 0) {
          yield "Sure.";
          return;
        }
        yield "Before I block the card, let me explain the fees. ";
        // Asked for more text: the first sentence has been spoken.
        spokeFirstSentence();
        await new Promise<void>((resolve) => {
          input.signal?.addEventListener("abort", () => {
            aborted = true;
            resolve();
          });
        });
        yield "This sentence is never spoken.";
      },
    };
    const agent = composableAgent({
      agent: streaming,
      speechToText: fakeTranscription(["I lost my card", "just block it"]),
      textToSpeech: fakeSpeech(),
    });
    await agent.connect(CONNECT_CONTEXT);
    const pending = agent.call(spokenTurn(300));
    await within(firstSentenceSpoken, 5000, "the first sentence");
    const outcome = await within(agent.interrupt(), 5000, "the interrupt");
    const cut = lastMessage(await pending);

    expect(outcome).toBe("fired-after-speech");
    expect(aborted).toBe(true);
    expect(transcriptOf(cut)).toBe("Before I block the card, let me explain the fees.");
    await agent.call(spokenTurn(300));
    expect(seen[1]).toEqual([
      { role: "user", content: "I lost my card" },
      { role: "assistant", content: "Before I block the card, let me explain the fees." },
      { role: "user", content: "just block it" },
    ]);
    const recording = agent.collectArtifacts().voice;
    expect(recording.latency.interruptResponseTimesMs).toHaveLength(1);
    expect(recording.segments.find((segment) => segment.speaker === "agent")?.transcriptTruncated).toBe(true);
    await agent.disconnect();
  });

  it("stops a reply the driver gave up on (silence tail) before the next turn, so replies never overlap", async () => {
    let abortedSynthesis = false;
    const stalling: TextToSpeechProvider = {
      id: "stalling",
      async synthesize(text, options) {
        if (text.startsWith("Second")) {
          // Stalls until the transport aborts it.
          await new Promise<void>((resolve) => options?.signal?.addEventListener("abort", () => resolve()));
          abortedSynthesis = options?.signal?.aborted === true;
        }
        return { data: sineTone(440, 100), transcript: text };
      },
    };
    let turn = 0;
    const agent = composableAgent({
      agent: textAgent(() => (turn++ === 0 ? "First sentence. Second sentence." : "A new answer.")),
      speechToText: fakeTranscription(["one", "two"]),
      textToSpeech: stalling,
      silenceTailMs: 50,
    });
    await agent.connect(CONNECT_CONTEXT);
    const first = lastMessage(await within(agent.call(spokenTurn(200)), 5000, "the first reply"));
    const second = lastMessage(await within(agent.call(spokenTurn(200)), 5000, "the second reply"));

    expect(transcriptOf(first)).toBe("First sentence.");
    expect(abortedSynthesis).toBe(true);
    expect(transcriptOf(second)).toBe("A new answer.");
    await agent.disconnect();
  });

  it("fails the turn with a VoiceServerError naming the text agent when it throws", async () => {
    const text = textAgent(() => {
      throw new Error("model overloaded");
    });
    const agent = composableAgent({
      agent: text,
      speechToText: fakeTranscription(["hi"]),
      textToSpeech: fakeSpeech(),
    });
    await agent.connect(CONNECT_CONTEXT);
    const failure = await agent.call(spokenTurn(200)).catch((error: unknown) => error);
    expect(VoiceServerError.isInstance(failure)).toBe(true);
    expect((failure as Error).message).toBe("SupportBot failed to answer: model overloaded");
    await agent.disconnect();
  });

  it("says what is missing when the text agent, speech-to-text or text-to-speech is not given", () => {
    const base = {
      agent: textAgent(() => "x"),
      speechToText: fakeTranscription([]),
      textToSpeech: fakeSpeech(),
    };
    const attempts = [
      () => composableAgent({ ...base, agent: undefined as never }),
      () => composableAgent({ ...base, speechToText: {} as never }),
      () => composableAgent({ ...base, textToSpeech: {} as never }),
    ];
    const messages = attempts.map((attempt) => {
      try {
        attempt();
        return "no error";
      } catch (error) {
        expect(ConfigurationError.isInstance(error)).toBe(true);
        return (error as Error).message;
      }
    });
    expect(messages[0]).toMatch(/needs `agent`/);
    expect(messages[1]).toMatch(/needs `speechToText`.*pocketsphinxTranscription/);
    expect(messages[2]).toMatch(/needs `textToSpeech`.*fliteSpeech/);
  });

  it("names itself after the text agent and declares the in-process capabilities", () => {
    const agent = composableAgent({
      agent: textAgent(() => "x"),
      speechToText: fakeTranscription([]),
      textToSpeech: fakeSpeech(),
    });
    expect(agent.name).toBe("ComposableAgent(SupportBot)");
    expect(agent.capabilities).toMatchObject({
      bargeIn: "native",
      textInput: true,
      replyEnd: true,
      dtmf: false,
    });
  });

  it("adds a JSON summary of the call for reports, with the call's audio only when asked", async () => {
    const parts = { agent: textAgent(() => "Hello. Goodbye."), textToSpeech: fakeSpeech() };
    const plain = composableAgent({ ...parts, speechToText: fakeTranscription(["hi"]) });
    await plain.connect(CONNECT_CONTEXT);
    await plain.call(spokenTurn(200));
    const summary = plain.collectArtifacts().voiceCall;
    expect(JSON.parse(JSON.stringify(summary))).toEqual(summary);
    expect(summary.turns).toHaveLength(1);
    expect(summary.audioSrc).toBeUndefined();
    await plain.disconnect();

    const withAudio = composableAgent({
      ...parts,
      speechToText: fakeTranscription(["hi"]),
      reportAudio: true,
    });
    await withAudio.connect(CONNECT_CONTEXT);
    await withAudio.call(spokenTurn(200));
    const src = withAudio.collectArtifacts().voiceCall.audioSrc ?? "";
    expect(src.startsWith("data:audio/wav;base64,")).toBe(true);
    const wav = Buffer.from(src.slice(src.indexOf(",") + 1), "base64");
    expect(wav.subarray(0, 4).toString("latin1")).toBe("RIFF");
    expect(wav.readUInt32LE(24)).toBe(8000);
    await withAudio.disconnect();
  });
});
