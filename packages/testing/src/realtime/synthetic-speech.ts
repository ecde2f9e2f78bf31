import { VOICE_SAMPLE_RATE } from "@scenario/spec";
import { pcmByteLength } from "@scenario/voice";

/** Options of `syntheticSpeech()`. */
export interface SyntheticSpeechOptions {
  /**
   * Milliseconds of audio per character of text, so longer lines give longer audio.
   * @default 60
   */
  msPerCharacter?: number;
  /**
   * The shortest audio produced, in milliseconds.
   * @default 300
   */
  minDurationMs?: number;
  /**
   * Peak amplitude, 0..1 of full scale.
   * @default 0.3
   */
  amplitude?: number;
}

const HARMONIC_WEIGHTS = [1, 0.6, 0.4, 0.25, 0.15];
const EDGE_FADE_MS = 15;

/**
 * Deterministic speech-like audio for a line of text: PCM16 LE, 24 kHz, mono. Each word is a voiced
 * burst (a few harmonics over a pitch derived from the word, with a syllable-rate envelope) and each
 * space a short near-silent gap, so energy-based VAD and level meters see speech. It carries no
 * words: pair it with its text as the transcript.
 */
export function syntheticSpeech(text: string, options: SyntheticSpeechOptions = {}): Uint8Array {
  const msPerCharacter = options.msPerCharacter ?? 60;
  const minDurationMs = options.minDurationMs ?? 300;
  const amplitude = options.amplitude ?? 0.3;
  const characters = [...text.trim()];
  const totalMs = Math.max(minDurationMs, Math.round(characters.length * msPerCharacter));
  // Whole milliseconds keep the audio an exact number of 24 kHz samples.
  const pcm = new Uint8Array(pcmByteLength(totalMs));
  const sampleCount = pcm.byteLength / 2;
  const view = new DataView(pcm.buffer);
  const samplesPerCharacter = characters.length === 0 ? sampleCount : sampleCount / characters.length;
  const weightSum = HARMONIC_WEIGHTS.reduce((sum, weight) => sum + weight, 0);
  const fadeSamples = (EDGE_FADE_MS * VOICE_SAMPLE_RATE) / 1000;

  // Walk word by word so each word gets its own pitch and smooth edges.
  const wordOfCharacter: Array<WordSpan | undefined> = new Array(characters.length);
  for (const span of wordSpans(characters)) wordOfCharacter.fill(span, span.start, span.end);
  let phase = 0;
  for (let index = 0; index < sampleCount; index++) {
    const characterIndex = Math.min(characters.length - 1, Math.floor(index / samplesPerCharacter));
    const word = wordOfCharacter[characterIndex];
    let value = 0;
    if (word !== undefined || characters.length === 0) {
      const wordStart = word === undefined ? 0 : word.start * samplesPerCharacter;
      const wordEnd = word === undefined ? sampleCount : word.end * samplesPerCharacter;
      const position = (index - wordStart) / Math.max(1, wordEnd - wordStart);
      const baseHz = word === undefined ? 140 : 110 + (word.hash % 70);
      // A gentle falling glide, as in a spoken word.
      const pitchHz = baseHz * (1.08 - 0.16 * position);
      phase += (2 * Math.PI * pitchHz) / VOICE_SAMPLE_RATE;
      let voiced = 0;
      for (let harmonic = 0; harmonic < HARMONIC_WEIGHTS.length; harmonic++) {
        voiced += HARMONIC_WEIGHTS[harmonic]! * Math.sin((harmonic + 1) * phase);
      }
      const seconds = (index - wordStart) / VOICE_SAMPLE_RATE;
      const syllable = 0.6 + 0.4 * Math.abs(Math.sin(Math.PI * 4 * seconds));
      const edge = Math.min(1, (index - wordStart) / fadeSamples, (wordEnd - index) / fadeSamples);
      value = (amplitude * voiced * syllable * Math.max(0, edge)) / weightSum;
    }
    view.setInt16(index * 2, Math.round(Math.max(-1, Math.min(1, value)) * 32767), true);
  }
  return pcm;
}

interface WordSpan {
  start: number;
  end: number;
  hash: number;
}

function wordSpans(characters: readonly string[]): WordSpan[] {
  const spans: WordSpan[] = [];
  let start = -1;
  for (let index = 0; index <= characters.length; index++) {
    const isSpace = index === characters.length || /\s/.test(characters[index]!);
    if (!isSpace && start < 0) start = index;
    if (isSpace && start >= 0) {
      spans.push({ start, end: index, hash: hashText(characters.slice(start, index).join("")) });
      start = -1;
    }
  }
  return spans;
}

function hashText(text: string): number {
  let hash = 2166136261;
  for (let index = 0; index < text.length; index++) {
    hash = Math.imul(hash ^ text.charCodeAt(index), 16777619) >>> 0;
  }
  return hash;
}
