import { describe, expect, it } from "@jest/globals";
import { bumpedFees, initialFees } from "#gateway";

const gwei = (n: number) => BigInt(Math.round(n * 1e9));
const policy = { maxFeePerGasCap: gwei(10), bumpPercent: 25 };

describe("fee policy", () => {
  it("caps the first transaction's fees", () => {
    expect(initialFees({ maxFeePerGas: gwei(30), maxPriorityFeePerGas: gwei(40) }, policy)).toEqual({
      maxFeePerGas: gwei(10),
      maxPriorityFeePerGas: gwei(10),
    });
  });

  it("bumps both fees by the policy percentage, or to the node's suggestion when higher", () => {
    const prev = { maxFeePerGas: gwei(2), maxPriorityFeePerGas: gwei(1) };
    expect(bumpedFees(prev, { maxFeePerGas: gwei(1), maxPriorityFeePerGas: gwei(0.5) }, policy)).toEqual({
      maxFeePerGas: gwei(2.5),
      maxPriorityFeePerGas: gwei(1.25),
    });
    expect(bumpedFees(prev, { maxFeePerGas: gwei(6), maxPriorityFeePerGas: gwei(2) }, policy)).toEqual({
      maxFeePerGas: gwei(6),
      maxPriorityFeePerGas: gwei(2),
    });
  });

  it("stops at the cap, and gives up when the cap leaves no room for an accepted replacement", () => {
    expect(
      bumpedFees(
        { maxFeePerGas: gwei(8), maxPriorityFeePerGas: gwei(1) },
        { maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(1) },
        policy,
      ),
    ).toEqual({
      maxFeePerGas: gwei(10),
      maxPriorityFeePerGas: gwei(1.25),
    });
    expect(
      bumpedFees(
        { maxFeePerGas: gwei(9.5), maxPriorityFeePerGas: gwei(1) },
        { maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(1) },
        policy,
      ),
    ).toBeUndefined();
    expect(
      bumpedFees(
        { maxFeePerGas: gwei(10), maxPriorityFeePerGas: gwei(10) },
        { maxFeePerGas: gwei(50), maxPriorityFeePerGas: gwei(1) },
        policy,
      ),
    ).toBeUndefined();
  });
});
