import { type AgentInput, AgentRole, type AgentStreamPart, type ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import { composableAgent } from "./composable-agent";
import { CONNECT_CONTEXT, inputFor, lastMessage } from "./scripted-transport";
import type { SpeechToTextProvider, TextToSpeechProvider } from "./speech-provider";
import { sineTone } from "./test-signals";
import { transcriptOf, voiceMessage } from "./voice-message";

// composableAgent() over an agent with `stream()` (the contract method, as aiSdkAgent({ stream:
// true }) has it): text spoken as it streams, tool calls reported and kept.

const speech: TextToSpeechProvider = {
  id: "fake-tts",
  async synthesize(text) {
    return { data: sineTone(440, 40 * text.split(/\s+/).length), transcript: text };
  },
};

function transcription(lines: string[]): SpeechToTextProvider {
  return { id: "fake-stt", transcribe: async () => lines.shift() ?? "" };
}

const spokenTurn = () => inputFor([voiceMessage("user", sineTone(300, 300), "")]);

const toolCall: ModelMessage = {
  role: "assistant",
  content: [{ type: "tool-call", toolCallId: "c1", toolName: "issueRefund", input: { orderId: "1042" } }],
};
const toolResult: ModelMessage = {
  role: "tool",
  content: [
    {
      type: "tool-result",
      toolCallId: "c1",
      toolName: "issueRefund",
      output: { type: "json", value: { refunded: 45 } },
    },
  ],
};

/** Settles with "timed out" after `ms`, so a test that would hang fails instead. */
function within<T>(promise: Promise<T>, ms: number): Promise<T | "timed out"> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const bound = new Promise<"timed out">((resolve) => {
    timer = setTimeout(resolve, ms, "timed out");
  });
  return Promise.race([promise, bound]).finally(() => clearTimeout(timer));
}

/** A streaming text agent whose `call()` must never be used: composableAgent prefers `stream()`. */
function streamingAgent(stream: (input: AgentInput) => AsyncIterable<AgentStreamPart>) {
  const inputs: AgentInput[] = [];
  return {
    name: "RefundBot",
    role: AgentRole.AGENT,
    inputs,
    call: (): never => {
      throw new Error("call() was used instead of stream()");
    },
    stream(input: AgentInput) {
      inputs.push(input);
      return stream(input);
    },
  };
}

describe("composableAgent over an agent with stream()", () => {
  it("speaks before the stream completes, reports the tool call and keeps it in the conversation", async () => {
    const order: string[] = [];
    let heardFirstAudio!: () => void;
    const firstAudio = new Promise<void>((resolve) => {
      heardFirstAudio = resolve;
    });
    let turn = 0;
    const text = streamingAgent(async function* () {
      if (turn++ > 0) {
        yield { type: "text-delta", text: "Bye." };
        yield { type: "message", message: { role: "assistant", content: "Bye." } };
        return;
      }
      yield { type: "text-delta", text: "Let me do that. " };
      yield { type: "message", message: { role: "assistant", content: "Let me do that. " } };
      yield { type: "message", message: toolCall };
      yield { type: "message", message: toolResult };
      yield { type: "text-delta", text: "Your refund " };
      // The rest is written only once the caller heard audio: a reply spoken only when complete
      // would wait here until the bound runs out.
      if ((await within(firstAudio, 5000)) === "timed out") order.push("no first audio");
      yield { type: "text-delta", text: "of $45.00 is on its way." };
      yield {
        type: "message",
        message: { role: "assistant", content: "Your refund of $45.00 is on its way." },
      };
      order.push("stream complete");
    });
    const agent = composableAgent({
      agent: text,
      speechToText: transcription(["refund please", "thanks"]),
      textToSpeech: speech,
    });
    await agent.connect(CONNECT_CONTEXT);
    await agent.sendAudio({ data: sineTone(300, 300) });
    for await (const _chunk of agent.receiveAudio()) {
      if (!order.includes("first audio")) {
        order.push("first audio");
        heardFirstAudio();
      }
    }
    expect(order).toEqual(["first audio", "stream complete"]);
    const recording = agent.collectArtifacts().voice;
    const toolEvents = recording.timeline.filter((event) => event.type.startsWith("tool-"));
    expect(toolEvents.map((event) => event.type)).toEqual(["tool-call", "tool-result"]);
    expect(recording.segments.find((segment) => segment.speaker === "agent")?.transcript).toBe(
      "Let me do that. Your refund of $45.00 is on its way.",
    );

    await agent.call(spokenTurn());
    expect(text.inputs[1]?.messages).toEqual([
      { role: "user", content: "refund please" },
      toolCall,
      toolResult,
      { role: "assistant", content: "Let me do that. Your refund of $45.00 is on its way." },
      { role: "user", content: "thanks" },
    ]);
    await agent.disconnect();
  });

  it("ends the agent's stream at a barge-in and keeps only what was said", async () => {
    let spokeFirstSentence!: () => void;
    const firstSentenceSpoken = new Promise<void>((resolve) => {
      spokeFirstSentence = resolve;
    });
    let streamEnded = false;
    const text = streamingAgent(async function* (input) {
      try {
        yield { type: "text-delta", text: "Before I block the card, let me explain the fees. " };
        // Asked for more: the first sentence has been spoken.
        spokeFirstSentence();
        await new Promise<void>((resolve) => input.signal?.addEventListener("abort", () => resolve()));
        yield { type: "text-delta", text: "This sentence is never spoken." };
      } finally {
        streamEnded = true;
      }
    });
    const agent = composableAgent({
      agent: text,
      speechToText: transcription(["I lost my card"]),
      textToSpeech: speech,
    });
    await agent.connect(CONNECT_CONTEXT);
    const pending = agent.call(spokenTurn());
    expect(await within(firstSentenceSpoken, 5000)).toBeUndefined();
    expect(await within(agent.interrupt(), 5000)).toBe("fired-after-speech");
    const cut = lastMessage(await pending);

    expect(streamEnded).toBe(true);
    expect(transcriptOf(cut)).toBe("Before I block the card, let me explain the fees.");
    await agent.disconnect();
  });
});
