import {
  addressToBytes,
  assembleCoseSign1,
  bytesToHex,
  type DeviceIdentity,
  encodeProtectedHeader,
  encodeReadingPayload,
  GENESIS_PREV,
  type Hex,
  hexToBytes,
  keccak256,
  signingDigest,
  validateArgument,
} from "#protocol";
import { type DigestSigner, loadFastSigner } from "./fastSigner.ts";

export type PreSignOptions = {
  /** `prev` of the first message: required when `startSeq` > 1 (the id of message startSeq − 1). */
  prev?: Uint8Array | Hex;
  /** `ts` of the first message, ms (default now); each next one is `tsStepMs` later. */
  ts?: number;
  tsStepMs?: number;
  /** Measurements of message `seq` (default a plausible reefer temperature). */
  measurements?: (seq: number) => Record<string, number>;
  /** Signature function (default: native libsecp256k1 when available). */
  signer?: DigestSigner;
};

/** A hash chain of signed reading messages, ready to publish in order. */
export type PreSignedChain = {
  messages: Uint8Array[];
  messageIds: Hex[];
  firstSeq: number;
  /** Where a following chain continues: its startSeq and prev. */
  nextSeq: number;
  lastId: Hex;
};

/**
 * Signs `count` consecutive readings of one device, seq `startSeq`…, each `prev` the id of the one
 * before — a valid chain, produced as fast as the signer allows so a benchmark measures the gateway,
 * not the signing.
 * @example const { messages } = preSignReadings(identity, 10_000, 1) // messages[0] has seq 1, prev = 0x00…
 */
export function preSignReadings(
  identity: DeviceIdentity,
  count: number,
  startSeq = 1,
  options: PreSignOptions = {},
): PreSignedChain {
  validateArgument(Number.isSafeInteger(count) && count >= 0, "count must be a non-negative integer");
  validateArgument(Number.isSafeInteger(startSeq) && startSeq >= 1, "startSeq must be an integer >= 1");
  validateArgument(
    startSeq === 1 || options.prev !== undefined,
    "prev is required to continue a chain after seq 1",
  );
  const sign = options.signer ?? loadFastSigner();
  const protectedBytes = encodeProtectedHeader(addressToBytes(identity.address));
  const measurements = options.measurements ?? ((seq: number) => ({ temp_c: 4 + ((seq * 37) % 100) / 100 }));
  const ts0 = options.ts ?? Date.now();
  const step = options.tsStepMs ?? 1;
  let prev: Uint8Array =
    options.prev === undefined
      ? GENESIS_PREV
      : typeof options.prev === "string"
        ? hexToBytes(options.prev, 32)
        : options.prev;
  const messages: Uint8Array[] = [];
  const messageIds: Hex[] = [];
  for (let i = 0; i < count; i++) {
    const seq = startSeq + i;
    const payload = encodeReadingPayload({ v: 1, seq, ts: ts0 + i * step, prev, m: measurements(seq) });
    const signature = sign(signingDigest(protectedBytes, payload), identity.privateKey);
    const raw = assembleCoseSign1(protectedBytes, payload, signature);
    prev = keccak256(raw);
    messages.push(raw);
    messageIds.push(bytesToHex(prev));
  }
  return { messages, messageIds, firstSeq: startSeq, nextSeq: startSeq + count, lastId: bytesToHex(prev) };
}
