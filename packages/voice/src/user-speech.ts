import {
  type AudioChunk,
  ConfigurationError,
  type ModelMessage,
  VoiceUnsupportedError,
} from "@scenario/spec";
import { userSpokeOverReply } from "./barge-in";
import { pcmDurationMsOfBytes, splitPcmFrames } from "./pcm";
import type { ReplyControl } from "./reply-control";
import { speechToWire } from "./speech-to-wire";
import { UserAudioPacer } from "./user-audio-pacer";
import type { VoiceCall } from "./voice-call";
import { audioFromMessage, transcriptOf, voiceStyleOf } from "./voice-message";
import type { VoiceSegmentRecorder } from "./voice-recorder";
import { isScenarioAudioFormat, toWireAudio, wireFrameBytes } from "./wire-audio";

/** The caller's stretch of speech being recorded. */
interface UserStretch {
  segment: VoiceSegmentRecorder;
  startMs: number;
  bytes: number;
  transcript: string;
  voiceStyle?: string | undefined;
}

/**
 * The caller's side of the call: user messages become audio (or text), converted to the
 * transport's format, framed and paced, and recorded as user segments.
 */
export class UserSpeech {
  private readonly call: VoiceCall;
  private readonly replies: ReplyControl;
  private stretch: UserStretch | undefined;
  private pacer: UserAudioPacer | undefined;

  constructor(call: VoiceCall, replies: ReplyControl) {
    this.call = call;
    this.replies = replies;
  }

  /** The caller is speaking (a stretch of speech is open). */
  get speaking(): boolean {
    return this.stretch !== undefined;
  }

  /** Starts a new call: frames in the transport's format and size. */
  reset(): void {
    this.stretch = undefined;
    const capabilities = this.call.capabilities;
    this.pacer = new UserAudioPacer({
      send: (frame) => this.call.transport.sendAudio(frame),
      format: capabilities.inputAudioFormat,
      frameMs: capabilities.inputFrameMs ?? this.call.timings.userAudioFrameMs,
      realtime: capabilities.realtimeInput === true,
      wallNowMs: () => this.call.wallNowMs(),
    });
  }

  /** Sends user audio (24 kHz PCM16) to the agent and records it as the caller's speech. */
  async sendAudio(chunk: AudioChunk): Promise<void> {
    this.call.throwPendingError();
    this.call.assertConnected("sendAudio()");
    assertWholeSamples(chunk.data);
    if (chunk.data.byteLength === 0) return;
    const format = this.call.capabilities.inputAudioFormat;
    await this.sendConverted(
      chunk,
      isScenarioAudioFormat(format) ? chunk.data : toWireAudio(chunk.data, format),
    );
  }

  /** Sends one piece of the caller's speech, `wire` being `chunk` in the transport's format. */
  private async sendConverted(chunk: AudioChunk, wire: Uint8Array): Promise<void> {
    const call = this.call;
    call.throwPendingError();
    call.assertConnected("sendAudio()");
    if (this.stretch === undefined) {
      const startMs = Math.max(call.nowMs(), call.userAudioEndsAtMs);
      this.stretch = {
        segment: call.recorder.beginSegment("user", startMs),
        startMs,
        bytes: 0,
        transcript: "",
      };
    }
    const stretch = this.stretch;
    userSpokeOverReply(this.replies);
    await this.pacerFor().push(wire);
    stretch.segment.append(chunk.data);
    stretch.bytes += chunk.data.byteLength;
    if (chunk.transcript) stretch.transcript = chunk.transcript;
    call.userAudioEndsAtMs = stretch.startMs + pcmDurationMsOfBytes(stretch.bytes);
  }

  /** Sends one user message: its audio, its text spoken with `speech`, or its text as text. */
  async sendMessage(message: ModelMessage): Promise<void> {
    const audio = audioFromMessage(message);
    if (audio !== undefined) {
      await this.sendSpeech(audio.data, audio.transcript ?? transcriptOf(message), voiceStyleOf(message));
      return;
    }
    const text = transcriptOf(message);
    if (text.trim() === "") return;
    const { speech } = this.call.options;
    if (speech !== undefined) {
      const spoken = await speech.synthesize(text);
      await this.sendSpeech(spoken.data, text);
      return;
    }
    const transport = this.call.transport;
    if (this.call.capabilities.textInput && transport.sendText !== undefined) {
      this.call.assertConnected("sending a text turn");
      await transport.sendText(text);
      return;
    }
    throw new VoiceUnsupportedError(
      `${this.call.name} got a user message with text only ("${text.slice(0, 60)}") and cannot speak it: ` +
        "pass a speech synthesizer as the adapter's `speech` option (for example fliteSpeech() from @scenario/voice), " +
        "or give the user simulator a voice.",
    );
  }

  /** Ends the caller's stretch of speech: sends the last short frame and closes the segment. */
  async finish(): Promise<void> {
    if (this.stretch === undefined) return;
    await this.pacerFor().flush();
    this.endSegment();
  }

  /**
   * Closes the caller's segment at once (the agent started talking, or the call ends). Audio still
   * waiting for a whole frame stays in the pacer until the next `finish()`.
   */
  endSegment(): void {
    const stretch = this.stretch;
    if (stretch === undefined) return;
    this.stretch = undefined;
    const endMs = stretch.startMs + pcmDurationMsOfBytes(stretch.bytes);
    stretch.segment.end({
      atMs: endMs,
      ...(stretch.transcript !== "" && { transcript: stretch.transcript }),
      ...(stretch.voiceStyle !== undefined && { voiceStyle: stretch.voiceStyle }),
    });
  }

  /**
   * One message is one stretch of speech, converted to the transport's format as a whole (once,
   * off the event loop) and sent in `userAudioFrameMs` pieces.
   */
  private async sendSpeech(pcm: Uint8Array, transcript: string, voiceStyle?: string): Promise<void> {
    await this.finish();
    assertWholeSamples(pcm);
    const frames = pcm.byteLength === 0 ? [] : splitPcmFrames(pcm, this.call.timings.userAudioFrameMs);
    if (frames.length > 0) {
      this.call.throwPendingError();
      this.call.assertConnected("sendAudio()");
      const format = this.call.capabilities.inputAudioFormat;
      const wire = await speechToWire(pcm, format);
      // Each frame's share of the wire audio: its samples' span, rescaled to the wire's rate.
      const wireFrameSize = wireFrameBytes(format);
      const wireFrames = wire.byteLength / wireFrameSize;
      const totalSamples = pcm.byteLength / 2;
      let pcmOffset = 0;
      let wireStart = 0;
      for (const [index, frame] of frames.entries()) {
        pcmOffset += frame.byteLength;
        const wireEnd =
          index === frames.length - 1
            ? wireFrames
            : Math.min(wireFrames, Math.round((pcmOffset / 2 / totalSamples) * wireFrames));
        await this.sendConverted(
          { data: frame },
          wire.subarray(wireStart * wireFrameSize, wireEnd * wireFrameSize),
        );
        wireStart = wireEnd;
      }
    }
    if (this.stretch !== undefined) {
      if (transcript !== "") this.stretch.transcript = transcript;
      this.stretch.voiceStyle = voiceStyle;
    }
    await this.finish();
  }

  private pacerFor(): UserAudioPacer {
    if (this.pacer === undefined) this.reset();
    return this.pacer!;
  }
}

function assertWholeSamples(pcm: Uint8Array): void {
  if (pcm.byteLength % 2 !== 0) {
    throw new ConfigurationError(
      `Audio chunk has an odd number of bytes (${pcm.byteLength}): send whole PCM16 samples (2 bytes each).`,
    );
  }
}
