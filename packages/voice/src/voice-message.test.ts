import type { ModelMessage } from "@scenario/spec";
import { describe, expect, it } from "vitest";
import {
  audioFromMessage,
  base64ToPcm,
  isVoiceMessage,
  pcmToWav,
  stripAudio,
  transcriptOf,
  voiceMessage,
  voiceStyleOf,
  wavInfo,
} from "./index";
import { sineTone } from "./test-signals";

describe("voice messages", () => {
  it("carries the transcript as a text part and the audio as a base64 24 kHz WAV file part", () => {
    const audio = sineTone(440, 200);
    const message = voiceMessage("user", { data: audio }, "hello there");
    expect(message.role).toBe("user");
    const [text, file] = message.content as [
      { type: string; text: string },
      { type: string; mediaType: string; data: string },
    ];
    expect(text).toEqual({ type: "text", text: "hello there" });
    expect(file.type).toBe("file");
    expect(file.mediaType).toBe("audio/wav");
    expect(wavInfo(base64ToPcm(file.data))).toEqual({ sampleRate: 24_000, channels: 1, durationMs: 200 });
  });

  it("decodes the audio back, with its transcript", () => {
    const audio = sineTone(440, 200);
    const message = voiceMessage("assistant", audio, "hi");
    expect(message.role).toBe("assistant");
    const chunk = audioFromMessage(message);
    expect(chunk?.transcript).toBe("hi");
    expect(Array.from(chunk?.data ?? [])).toEqual(Array.from(audio));
  });

  it("uses the chunk's transcript when none is given", () => {
    expect(transcriptOf(voiceMessage("user", { data: sineTone(440, 20), transcript: "from chunk" }))).toBe(
      "from chunk",
    );
  });

  it("reads WAV parts given as bytes or data URLs too", () => {
    const audio = sineTone(300, 50);
    const wav = pcmToWav(audio);
    const asBytes: ModelMessage = {
      role: "user",
      content: [{ type: "file", mediaType: "audio/wav", data: wav }],
    };
    const asDataUrl: ModelMessage = {
      role: "user",
      content: [
        {
          type: "file",
          mediaType: "audio/wav",
          data: `data:audio/wav;base64,${Buffer.from(wav).toString("base64")}`,
        },
      ],
    };
    expect(Array.from(audioFromMessage(asBytes)?.data ?? [])).toEqual(Array.from(audio));
    expect(Array.from(audioFromMessage(asDataUrl)?.data ?? [])).toEqual(Array.from(audio));
  });

  it("finds no audio in text messages", () => {
    const text: ModelMessage = { role: "user", content: "just text" };
    expect(audioFromMessage(text)).toBeUndefined();
    expect(isVoiceMessage(text)).toBe(false);
    expect(isVoiceMessage(voiceMessage("user", sineTone(440, 20), "x"))).toBe(true);
  });

  it("reads the text of string and multi-part messages", () => {
    expect(transcriptOf({ role: "assistant", content: "plain" })).toBe("plain");
    expect(
      transcriptOf({
        role: "assistant",
        content: [
          { type: "text", text: "one" },
          { type: "tool-call", toolCallId: "1", toolName: "t", input: {} },
          { type: "text", text: "two" },
        ],
      }),
    ).toBe("one two");
    expect(transcriptOf({ role: "tool", content: [] })).toBe("");
  });

  it("strips the audio for text-only readers, keeping the transcript", () => {
    const spoken = voiceMessage("user", sineTone(440, 20), "check my balance");
    const stripped = stripAudio(spoken);
    expect(isVoiceMessage(stripped)).toBe(false);
    expect(transcriptOf(stripped)).toBe("check my balance");
    expect(JSON.stringify(stripped)).not.toContain("audio/wav");
    const text: ModelMessage = { role: "user", content: "plain" };
    expect(stripAudio(text)).toBe(text);
  });

  it("records the voice style when given", () => {
    expect(voiceStyleOf(voiceMessage("user", sineTone(440, 20), "x", { voiceStyle: "hurried" }))).toBe(
      "hurried",
    );
    expect(voiceStyleOf(voiceMessage("user", sineTone(440, 20), "x"))).toBeUndefined();
  });
});
