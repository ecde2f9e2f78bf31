/** A source of uniform random numbers in [0, 1), like `Math.random`. */
export type RandomSource = () => number;

/** A seed: a number or any string (hashed). */
export type Seed = number | string;

/** FNV-1a over the seed's text: spreads similar seeds ("a:1", "a:2") to unrelated states. */
function hashSeed(seed: Seed): number {
  const text = typeof seed === "number" ? `n:${seed}` : `s:${seed}`;
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index++) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/**
 * A deterministic random source (mulberry32): the same seed always gives the same sequence, so
 * effects and interruption plans are reproducible. Not for cryptography.
 */
export function createSeededRandom(seed: Seed): RandomSource {
  let state = hashSeed(seed);
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** Derives a seed for one use (an effect, a turn) from a parent seed, so uses do not share streams. */
export function deriveSeed(seed: Seed, ...path: Array<string | number>): string {
  return [String(seed), ...path.map(String)].join(":");
}
