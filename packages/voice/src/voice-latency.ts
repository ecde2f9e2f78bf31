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
 * Builds latency metrics from per-turn times to first audio and per-barge-in response times
 * (both in milliseconds): average, p50 and p95 (nearest rank) of the times to first audio.
 */
export function computeLatencyMetrics(
  timeToFirstAudioMs: readonly number[],
  interruptResponseTimesMs: readonly number[] = [],
): VoiceLatencyMetrics {
  const metrics: VoiceLatencyMetrics = {
    timeToFirstAudioMs: [...timeToFirstAudioMs],
    interruptResponseTimesMs: [...interruptResponseTimesMs],
  };
  if (timeToFirstAudioMs.length > 0) {
    metrics.averageMs = timeToFirstAudioMs.reduce((sum, value) => sum + value, 0) / timeToFirstAudioMs.length;
    metrics.p50Ms = percentileNearestRank(timeToFirstAudioMs, 50);
    metrics.p95Ms = percentileNearestRank(timeToFirstAudioMs, 95);
  }
  return metrics;
}
