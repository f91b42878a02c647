import { describe, expect, it } from "@jest/globals";
import { createPrng } from "./createPrng.ts";

const draw = (seed: number, n: number) => {
  const prng = createPrng(seed);
  return Array.from({ length: n }, () => prng.next());
};

describe("createPrng", () => {
  it("replays the same sequence from the same seed", () => {
    expect(draw(7, 50)).toEqual(draw(7, 50));
  });

  it("gives a different sequence for a different seed", () => {
    expect(draw(7, 50)).not.toEqual(draw(8, 50));
  });

  it("stays in [0, 1) with a mean near one half", () => {
    const xs = draw(123, 20_000);
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(xs.reduce((a, b) => a + b, 0) / xs.length).toBeCloseTo(0.5, 1);
  });

  it("forks independent streams that do not advance the parent", () => {
    const a = createPrng(1);
    const forkedFirst = a.fork("temp").next();
    const parentAfterFork = a.next();
    const b = createPrng(1);
    expect(b.next()).toBe(parentAfterFork);
    expect(createPrng(1).fork("temp").next()).toBe(forkedFirst);
    expect(createPrng(1).fork("humidity").next()).not.toBe(forkedFirst);
  });

  it("draws normals with the requested mean and spread", () => {
    const prng = createPrng(99);
    const xs = Array.from({ length: 20_000 }, () => prng.normal(10, 2));
    const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
    const sd = Math.sqrt(xs.reduce((a, b) => a + (b - mean) ** 2, 0) / xs.length);
    expect(mean).toBeCloseTo(10, 1);
    expect(sd).toBeCloseTo(2, 1);
  });
});
