import type { VoiceLatencyMetrics } from "@scenario/spec";

/**
 * The value at percentile `percentile` (0-100] of `values` by the nearest-rank method: the
 * smallest value such that at least `percentile`% of the values are less than or equal to it.
 * Undefined for no values. Nearest-rank always returns a measured value, never an interpolation.
 */
export function percentileNearestRank(values: readonly number[], percentile: number): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((left, right) => left - right);
  const rank = Math.max(1, Math.ceil((percentile / 100) * sorted.length));
  return sorted[Math.min(rank, sorted.length) - 1];
}

/**
 * Latency metrics, with the summary also under the names the reference implementation
 * (`@langwatch/scenario`) reports, so dashboards and assertions written for it read ours too.
 * Each alias is set only when there is something to summarise.
 */
export interface VoiceLatencySummary extends VoiceLatencyMetrics {
  /** The call's first reply: from the end of the user's audio to the agent's first audio, in ms. */
  timeToFirstByte?: number;
  /** Same as `averageMs`: the mean time to first audio over the call's turns, in ms. */
  averageResponseTime?: number;
  /** Same as `p50Ms`, in ms. */
  p50ResponseTime?: number;
  /** Same as `p95Ms`, in ms. */
  p95ResponseTime?: number;
  /** The fastest barge-in response of the call (how soon the agent stopped), in ms, as the reference derives it. */
  interruptResponseTime?: number;
}

/**
 * Builds latency metrics from per-turn times to first audio and per-barge-in response times
 * (both in milliseconds): average, p50 and p95 (nearest rank) of the times to first audio, and the
 * same summary under the reference's names (`VoiceLatencySummary`).
 */
export function computeLatencyMetrics(
  timeToFirstAudioMs: readonly number[],
  interruptResponseTimesMs: readonly number[] = [],
): VoiceLatencySummary {
  const metrics: VoiceLatencySummary = {
    timeToFirstAudioMs: [...timeToFirstAudioMs],
    interruptResponseTimesMs: [...interruptResponseTimesMs],
  };
  if (timeToFirstAudioMs.length > 0) {
    metrics.averageMs = timeToFirstAudioMs.reduce((sum, value) => sum + value, 0) / timeToFirstAudioMs.length;
    metrics.p50Ms = percentileNearestRank(timeToFirstAudioMs, 50);
    metrics.p95Ms = percentileNearestRank(timeToFirstAudioMs, 95);
    metrics.timeToFirstByte = timeToFirstAudioMs[0];
    metrics.averageResponseTime = metrics.averageMs;
    metrics.p50ResponseTime = metrics.p50Ms;
    metrics.p95ResponseTime = metrics.p95Ms;
  }
  if (interruptResponseTimesMs.length > 0)
    metrics.interruptResponseTime = Math.min(...interruptResponseTimesMs);
  return metrics;
}
