/**
 * A small deterministic random source: the same seed gives the same sequence, so technique choice
 * and branch order repeat from run to run.
 */
export interface SeededRandom {
  /** The next number in [0, 1). */
  next(): number;
  /** A whole number in [0, max). */
  integer(max: number): number;
  /** One item of a non-empty list. */
  pick<T>(items: readonly T[]): T;
  /** A shuffled copy of a list. */
  shuffle<T>(items: readonly T[]): T[];
}

/**
 * A `SeededRandom` over mulberry32, a 32-bit generator that is plenty for choosing among a handful
 * of techniques and far cheaper than a cryptographic one. String seeds are hashed first.
 */
export function seededRandom(seed: number | string): SeededRandom {
  let state = typeof seed === "number" ? seed >>> 0 : hashSeed(seed);
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4294967296;
  };
  const integer = (max: number): number => Math.floor(next() * max);
  return {
    next,
    integer,
    pick: (items) => {
      if (items.length === 0) throw new RangeError("seededRandom().pick() needs a non-empty list.");
      return items[integer(items.length)] as (typeof items)[number];
    },
    shuffle: (items) => {
      const copy = [...items];
      for (let index = copy.length - 1; index > 0; index--) {
        const other = integer(index + 1);
        [copy[index], copy[other]] = [
          copy[other] as (typeof copy)[number],
          copy[index] as (typeof copy)[number],
        ];
      }
      return copy;
    },
  };
}

// FNV-1a: spreads similar strings ("run-1", "run-2") over distant starting states.
function hashSeed(seed: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < seed.length; index++) {
    hash ^= seed.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}
