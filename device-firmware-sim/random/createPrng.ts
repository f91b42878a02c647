/**
 * A small seeded pseudo-random generator (mulberry32) with the few distributions the sensor models need.
 * Not cryptographic: keys come from the platform CSPRNG, never from here. Deterministic so a scenario
 * replays exactly from its seed; `fork(label)` gives an independent stream per device and per sensor, so
 * adding a sensor does not shift the numbers another one draws.
 */
export type Prng = {
  /** The 32-bit seed this stream started from. */
  readonly seed: number;
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  uniform(min: number, max: number): number;
  /** Normal with the given mean and standard deviation (Box–Muller). */
  normal(mean?: number, sd?: number): number;
  /** Exponential with the given mean. */
  exponential(mean: number): number;
  /** True with probability `p`. */
  chance(p: number): boolean;
  /** A new independent stream derived from this seed and `label` (does not advance this one). */
  fork(label: string | number): Prng;
};

/**
 * Creates a deterministic generator from a seed (any integer; only the low 32 bits count).
 * @example createPrng(42).next() // the same number on every run
 */
export function createPrng(seed: number): Prng {
  const start = seed >>> 0;
  let state = start;
  let spareNormal: number | undefined;

  const next = (): number => {
    // mulberry32 (Tommy Ettinger): full 2^32 period, passes gjrand's basic tests; plenty for sensor noise.
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };

  const normal = (mean = 0, sd = 1): number => {
    if (spareNormal !== undefined) {
      const z = spareNormal;
      spareNormal = undefined;
      return mean + sd * z;
    }
    let u = next();
    while (u === 0) u = next();
    const v = next();
    const r = Math.sqrt(-2 * Math.log(u));
    spareNormal = r * Math.sin(2 * Math.PI * v);
    return mean + sd * r * Math.cos(2 * Math.PI * v);
  };

  return {
    seed: start,
    next,
    uniform: (min, max) => min + (max - min) * next(),
    normal,
    exponential: (mean) => {
      let u = next();
      while (u === 0) u = next();
      return -mean * Math.log(u);
    },
    chance: (p) => next() < p,
    fork: (label) => createPrng(mixSeed(start, String(label))),
  };
}

/** FNV-1a of the label folded into the seed, then a murmur3 finaliser so nearby seeds spread apart. */
function mixSeed(seed: number, label: string): number {
  let h = 0x811c9dc5 ^ seed;
  for (let i = 0; i < label.length; i++) {
    h ^= label.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}
