import type { ReportRun } from "./collect-runs";

// A voice call's summary as @scenario/voice writes it to `artifacts.voiceCall` (voiceCallSummary()).
// Events depends on spec only, so the shape is restated here and every field is checked before use.
interface VoiceTurnView {
  turn: number;
  timeToFirstAudioMs: number;
}

interface VoiceInterruptView {
  atMs: number;
  outcome: string;
  responseMs?: number;
}

interface VoiceCallView {
  durationMs: number;
  turns: VoiceTurnView[];
  interrupts: VoiceInterruptView[];
  averageMs?: number;
  p50Ms?: number;
  p95Ms?: number;
  audioSrc?: string;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

const isMs = (value: unknown): value is number =>
  typeof value === "number" && Number.isFinite(value) && value >= 0;

/**
 * Where the report may load the call's audio from: a path relative to the report (no scheme, no
 * `..`), or an embedded `data:audio/wav` URL. Anything else is dropped, so the report stays inert.
 */
function safeAudioSrc(value: unknown): string | undefined {
  if (typeof value !== "string" || value === "") return undefined;
  if (/^data:audio\/wav;base64,[A-Za-z0-9+/]+={0,2}$/.test(value)) return value;
  if (/^[a-z][a-z0-9+.-]*:/i.test(value) || value.startsWith("/") || value.startsWith("\\")) return undefined;
  if (value.split(/[\\/]/).includes("..")) return undefined;
  return value;
}

/** The voice call summary among a run's artifacts; undefined without one or when it is malformed. */
export function voiceCallOf(artifacts: Record<string, unknown> | undefined): VoiceCallView | undefined {
  const call = artifacts?.voiceCall;
  if (!isRecord(call) || !Array.isArray(call.turns) || !isRecord(call.latency)) return undefined;
  const turns = call.turns.filter(
    (turn): turn is VoiceTurnView =>
      isRecord(turn) && typeof turn.turn === "number" && isMs(turn.timeToFirstAudioMs),
  );
  const interrupts = (Array.isArray(call.interrupts) ? call.interrupts : [])
    .filter((entry): entry is Record<string, unknown> => isRecord(entry) && isMs(entry.atMs))
    .map((entry) => ({
      atMs: entry.atMs as number,
      outcome: typeof entry.outcome === "string" ? entry.outcome : "unknown",
      ...(isMs(entry.responseMs) && { responseMs: entry.responseMs }),
    }));
  const latency = call.latency;
  const audioSrc = safeAudioSrc(call.audioSrc);
  return {
    durationMs: isMs(call.durationMs) ? call.durationMs : 0,
    turns,
    interrupts,
    ...(isMs(latency.averageMs) && { averageMs: latency.averageMs }),
    ...(isMs(latency.p50Ms) && { p50Ms: latency.p50Ms }),
    ...(isMs(latency.p95Ms) && { p95Ms: latency.p95Ms }),
    ...(audioSrc !== undefined && { audioSrc }),
  };
}

function escapeHtml(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;")
    .replace(/'/g, "&#39;");
}

const ms = (value: number) => `${Math.round(value)} ms`;

const STRIP = { barWidth: 28, gap: 8, height: 120, top: 16, bottom: 20, left: 8 };

/** One bar per turn, its height the time to first audio; the p95 as a dashed line across. */
function latencyStrip(call: VoiceCallView): string {
  const plotHeight = STRIP.height - STRIP.top - STRIP.bottom;
  const highest = Math.max(1, ...call.turns.map((turn) => turn.timeToFirstAudioMs), call.p95Ms ?? 0);
  const y = (value: number) => STRIP.top + plotHeight - (value / highest) * plotHeight;
  const width = STRIP.left * 2 + call.turns.length * (STRIP.barWidth + STRIP.gap);
  const parts = call.turns.map((turn, index) => {
    const x = STRIP.left + index * (STRIP.barWidth + STRIP.gap);
    const top = y(turn.timeToFirstAudioMs);
    const label = `Turn ${turn.turn}: first audio after ${ms(turn.timeToFirstAudioMs)}`;
    return (
      `<rect class="vc-bar" data-turn="${turn.turn}" x="${x}" y="${top.toFixed(1)}" width="${STRIP.barWidth}" ` +
      `height="${(STRIP.top + plotHeight - top).toFixed(1)}"><title>${escapeHtml(label)}</title></rect>` +
      `<text class="vc-axis" x="${x + STRIP.barWidth / 2}" y="${STRIP.height - 6}" text-anchor="middle">${turn.turn}</text>`
    );
  });
  if (call.p95Ms !== undefined) {
    const line = y(call.p95Ms).toFixed(1);
    parts.push(
      `<line class="vc-p95" x1="0" x2="${width}" y1="${line}" y2="${line}"><title>p95 ${escapeHtml(ms(call.p95Ms))}</title></line>`,
    );
  }
  return (
    `<svg class="voice-strip" role="img" aria-label="Time to first audio per turn" viewBox="0 0 ${width} ${STRIP.height}" ` +
    `width="${width}" height="${STRIP.height}">${parts.join("")}</svg>`
  );
}

/** One run's voice section: the latency summary, the per-turn strip, barge-ins and the call's audio. */
export function renderVoiceSection(artifacts: Record<string, unknown> | undefined): string | undefined {
  const call = voiceCallOf(artifacts);
  if (call === undefined) return undefined;
  const facts = [`${call.turns.length} agent turn(s)`, `call ${ms(call.durationMs)}`];
  if (call.averageMs !== undefined) facts.push(`first audio: average ${ms(call.averageMs)}`);
  if (call.p50Ms !== undefined) facts.push(`p50 ${ms(call.p50Ms)}`);
  if (call.p95Ms !== undefined) facts.push(`p95 ${ms(call.p95Ms)}`);
  const parts = [`<h3>Voice call</h3>`, `<p class="vc-facts">${escapeHtml(facts.join(" · "))}</p>`];
  if (call.turns.length > 0) parts.push(latencyStrip(call));
  if (call.interrupts.length > 0) {
    const items = call.interrupts.map((entry) => {
      const response = entry.responseMs === undefined ? "" : `, stopped after ${ms(entry.responseMs)}`;
      return `<li>${escapeHtml(`At ${ms(entry.atMs)}: ${entry.outcome}${response}`)}</li>`;
    });
    parts.push(`<ul class="vc-interrupts">${items.join("")}</ul>`);
  }
  if (call.audioSrc !== undefined) {
    parts.push(`<audio class="vc-audio" controls preload="none" src="${escapeHtml(call.audioSrc)}"></audio>`);
  }
  return `<section class="voice-call">${parts.join("")}</section>`;
}

/**
 * The voice sections of every run as inert `<template id="voice-<run id>">` elements, which the
 * report's script clones into a run's details when it is opened.
 */
export function renderVoiceTemplates(runs: readonly ReportRun[]): string {
  return runs
    .map((run) => {
      const section = renderVoiceSection(run.artifacts);
      return section === undefined
        ? ""
        : `<template id="voice-${escapeHtml(run.scenarioRunId)}">${section}</template>`;
    })
    .filter((template) => template !== "")
    .join("\n");
}

/**
 * What the report's Content-Security-Policy must allow for the call's audio: embedded `data:` WAVs
 * and files beside the report.
 */
export const VOICE_MEDIA_POLICY = "media-src 'self' data:";

/** The voice section's styles, appended to the report's own. */
export const VOICE_STYLES = `
.voice-strip { display: block; max-width: 100%; height: auto; background: var(--card); border: 1px solid var(--line); border-radius: 6px; }
.vc-bar { fill: #2563eb; } .vc-axis { fill: var(--muted); font-size: 11px; }
.vc-p95 { stroke: var(--fail); stroke-width: 1; stroke-dasharray: 4 4; }
.vc-facts { color: var(--muted); margin: 0 0 6px; } .vc-interrupts { font-size: 13px; } .vc-audio { display: block; margin-top: 8px; }
`;
