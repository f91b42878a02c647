import { secp256k1 } from "@noble/curves/secp256k1.js";
import { bytesToHex } from "./bytes.ts";
import type { SignatureVerifier } from "./signature.ts";

const { Point } = secp256k1;
const Fn = Point.Fn;
const HALF_N = Fn.ORDER >> 1n;

export type NobleTableVerifierOptions = {
  /** Most public keys with a precomputed table (~0.1 MiB each at window 4); 0 builds none. */
  maxKeys?: number;
  /** A cached key unused this long may give its place to a new key once the cache is full. */
  idleMs?: number;
  /** wNAF window of the per-key tables (4: figures in docs/benchmarks.md, bench:protocol). */
  window?: number;
  now?: () => number;
};

type Entry = { point: InstanceType<typeof Point>; lastUsed: number };

function toBigInt(bytes: Uint8Array): bigint {
  return bytes.length === 0 ? 0n : BigInt(bytesToHex(bytes));
}

/**
 * A pure-JavaScript ES256K verifier for a gateway that sees the same keys again and again: each public
 * key gets a precomputed multiples table (noble-curves' window method), which makes the `u2·Q` half of
 * the verification several times cheaper, and `u1·G` uses the generator's own table (bench:protocol
 * compares it with @noble/secp256k1 and with no table, and times a table's build). The cache is
 * bounded; keys beyond it are verified without a table. Same results as {@link nobleVerifier} and the
 * native verifier on every input (low-S only; false, never a throw, for anything that does not verify).
 * @example createNobleTableVerifier({ maxKeys: 1000 }).verify(digest, signature, publicKey)
 */
export function createNobleTableVerifier(options: NobleTableVerifierOptions = {}): SignatureVerifier {
  const maxKeys = options.maxKeys ?? 1000;
  const idleMs = options.idleMs ?? 10 * 60_000;
  const window = options.window ?? 4;
  const now = options.now ?? Date.now;
  // Map order is least recently used first: a hit moves its entry to the end.
  const tables = new Map<string, Entry>();

  function pointFor(publicKey: Uint8Array): InstanceType<typeof Point> {
    const key = bytesToHex(publicKey);
    const t = now();
    const hit = tables.get(key);
    if (hit) {
      tables.delete(key);
      hit.lastUsed = t;
      tables.set(key, hit);
      return hit.point;
    }
    const point = Point.fromBytes(publicKey); // throws for a point not on the curve
    if (tables.size >= maxKeys) {
      if (tables.size === 0) return point; // maxKeys 0: no tables at all
      const [oldestKey, oldest] = tables.entries().next().value as [string, Entry];
      // Evicting a key still in use would make two devices rebuild each other's tables forever.
      if (t - oldest.lastUsed < idleMs) return point;
      tables.delete(oldestKey);
    }
    point.precompute(window, false);
    tables.set(key, { point, lastUsed: t });
    return point;
  }

  return {
    name: "noble-table",
    verify(digest, signature, publicKey) {
      try {
        if (digest.length !== 32 || signature.length !== 64) return false;
        const r = toBigInt(signature.subarray(0, 32));
        const s = toBigInt(signature.subarray(32, 64));
        if (r === 0n || r >= Fn.ORDER || s === 0n || s > HALF_N) return false;
        const Q = pointFor(publicKey);
        if (Q.is0()) return false;
        // ECDSA verification (SEC 1 §4.1.4): R = (h·s⁻¹)·G + (r·s⁻¹)·Q, valid iff R ≠ O and R.x ≡ r (mod n).
        // A 32-byte digest with a 256-bit n: bits2int is the digest as an integer.
        const h = Fn.create(toBigInt(digest));
        const sInv = Fn.inv(s);
        const R = Point.BASE.multiplyUnsafe(Fn.create(h * sInv)).add(Q.multiplyUnsafe(Fn.create(r * sInv)));
        if (R.is0()) return false;
        return Fn.create(R.toAffine().x) === r;
      } catch {
        return false;
      }
    },
  };
}
