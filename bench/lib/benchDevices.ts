import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import {
  addressToBytes,
  assembleCoseSign1,
  type DeviceIdentity,
  deviceIdentityFromPrivateKey,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  keccak256,
  signDigest,
  signingDigest,
} from "#protocol";

type NativeSigner = { ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array } };

/** Deterministic benchmark device identities (EXAMPLE keys, never use them for anything else). */
export function benchIdentities(count: number, seed = "sealtrail bench"): DeviceIdentity[] {
  const out: DeviceIdentity[] = [];
  for (let i = 0; i < count; i++) {
    out.push(
      deviceIdentityFromPrivateKey(keccak256(new TextEncoder().encode(`EXAMPLE ${seed} device ${i}`))),
    );
  }
  return out;
}

/** libsecp256k1 when the addon loads (same RFC 6979 low-S bytes as noble, ~30x faster), else noble. */
function digestSigner(): (digest: Uint8Array, key: Uint8Array) => Uint8Array {
  try {
    const native = createRequire(import.meta.url)("secp256k1/bindings.js") as NativeSigner;
    return (d, k) => native.ecdsaSign(d, k).signature;
  } catch {
    return signDigest;
  }
}

/**
 * `perDevice` consecutive readings (seq 1…, hash-chained) for each identity: `chains[d][i]` is the raw
 * message of seq i + 1. Signing 100k+ messages takes a while, so the result is cached in `cacheFile`
 * (readings' `ts` lie in the past, which the gateway accepts forever).
 */
export function preSignChains(
  identities: readonly DeviceIdentity[],
  perDevice: number,
  cacheFile: string,
  log: (line: string) => void = () => {},
): Uint8Array[][] {
  const key = createHash("sha256")
    .update(`${identities.map((i) => i.address).join(",")}|${perDevice}|v1`)
    .digest("hex")
    .slice(0, 16);
  const path = `${cacheFile}.${key}.tmp`;
  if (existsSync(path)) {
    const buf = readFileSync(path);
    const chains: Uint8Array[][] = [];
    let at = 0;
    for (let d = 0; d < identities.length; d++) {
      const chain: Uint8Array[] = [];
      for (let i = 0; i < perDevice; i++) {
        const len = buf.readUInt16BE(at);
        chain.push(buf.subarray(at + 2, at + 2 + len));
        at += 2 + len;
      }
      chains.push(chain);
    }
    log(`  pre-signed messages read from ${path}`);
    return chains;
  }
  const sign = digestSigner();
  const started = performance.now();
  const ts0 = Date.now() - 3_600_000;
  const chains = identities.map((identity, d) => {
    const protectedBytes = encodeProtectedHeader(addressToBytes(identity.address));
    let prev: Uint8Array = GENESIS_PREV;
    const chain: Uint8Array[] = [];
    for (let i = 0; i < perDevice; i++) {
      const seq = i + 1;
      const payload = encodeReadingPayload({
        v: 1,
        seq,
        ts: ts0 + i * 1000 + d,
        prev,
        m: { temp_c: 4 + ((seq * 37 + d) % 100) / 100, rh_pct: 60 + (seq % 10), batt_v: 3.6 },
      });
      const raw = assembleCoseSign1(
        protectedBytes,
        payload,
        sign(signingDigest(protectedBytes, payload), identity.privateKey),
      );
      prev = keccak256(raw);
      chain.push(raw);
    }
    return chain;
  });
  const total = identities.length * perDevice;
  log(`  signed ${total} messages in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const parts: Buffer[] = [];
  for (const chain of chains) {
    for (const raw of chain) {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(raw.length);
      parts.push(len, Buffer.from(raw));
    }
  }
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, Buffer.concat(parts));
  return chains;
}
