/**
 * Splits the first `byteCount` bytes off a list of audio chunks. The taken bytes are copied once,
 * into one array; what stays behind are views of the original chunks.
 */
export function splitChunks(
  chunks: readonly Uint8Array[],
  byteCount: number,
): { taken: Uint8Array; rest: Uint8Array[] } {
  const taken = new Uint8Array(byteCount);
  const rest: Uint8Array[] = [];
  let filled = 0;
  for (const chunk of chunks) {
    const used = Math.min(chunk.byteLength, byteCount - filled);
    taken.set(chunk.subarray(0, used), filled);
    filled += used;
    if (used < chunk.byteLength) rest.push(chunk.subarray(used));
  }
  return { taken, rest };
}
