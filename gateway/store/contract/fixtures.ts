// Records the store contract suite writes: shaped like the gateway's, made without signing (a store
// checks no signature: the ingest path has verified every message before it reaches a store).
import { type Address, bytesToHex, type Hex, keccak256 } from "#protocol";
import type { EventRecord } from "../eventTypes.ts";
import type { MessageRecord } from "../types.ts";

const utf8 = (text: string) => new TextEncoder().encode(text);
const hash = (text: string | Uint8Array): Hex =>
  bytesToHex(keccak256(typeof text === "string" ? utf8(text) : text));

/** An EXAMPLE address derived from a label (not a key anyone holds). */
export const address = (label: string): Address => `0x${hash(label).slice(26)}` as Address;

/** A 33-byte stand-in for a compressed public key. */
export const publicKey = (label: string): Uint8Array => Uint8Array.of(2, ...keccak256(utf8(`key ${label}`)));

/** A Merkle root stand-in. */
export const root = (label: string): Hex => hash(`root ${label}`);

/** The previous message id a reading carries (hex, as readingToJson writes it). */
export const prevOf = (device: Address, seq: number): Hex =>
  seq === 1 ? `0x${"00".repeat(32)}` : hash(`${device} ${seq - 1}`);

/**
 * A reading of `device` with this seq: its bytes differ per (device, seq, variant), so another variant of
 * the same seq is an equivocating twin.
 */
export function reading(
  device: Address,
  seq: number,
  options: { ts?: number; receivedAt?: number; tempC?: number; variant?: string } = {},
): MessageRecord {
  const ts = options.ts ?? 1_000_000 + seq * 60_000;
  const raw = utf8(`reading ${device} ${seq} ${ts} ${options.variant ?? ""}`);
  const payload = { v: 1, seq, ts, prev: prevOf(device, seq), m: { temp_c: options.tempC ?? 4 + (seq % 3) } };
  return {
    messageId: hash(raw),
    device,
    seq,
    raw,
    deviceTs: ts,
    receivedAt: options.receivedAt ?? 2_000_000 + seq,
    payloadJson: JSON.stringify(payload),
  };
}

export const DL = (serial: string) => `https://id.gs1.org/01/04012345111118/21/${serial}`;
export const SSCC = (n: string) => `https://id.gs1.org/00/${n.padStart(18, "0")}`;
export const GLN = "https://id.gs1.org/414/4012345000016";

/** A captured event (as the capture service hands it to a store), by a short serial that makes it unique. */
export function event(serial: string, overrides: Partial<EventRecord> = {}): EventRecord {
  const body = { type: "ObjectEvent", eventTime: "2026-01-05T10:00:00Z", epcList: [DL(serial)], serial };
  const eventJson = overrides.eventJson ?? JSON.stringify(body);
  const raw = utf8(`event ${serial} ${eventJson}`);
  const hashId = `ni:///sha-256;${hash(`hash ${serial}`).slice(2)}?ver=CBV2.0`;
  return {
    messageId: hash(raw),
    raw,
    signer: address("attester"),
    signedBy: "attester",
    organisation: "acme",
    eventHash: hashId,
    eventId: hashId,
    type: "ObjectEvent",
    eventTime: 1_767_607_200_000,
    recordTime: 1_767_607_300_000,
    action: "OBSERVE",
    bizStep: "shipping",
    disposition: null,
    readPoint: null,
    bizLocation: null,
    visibility: "private",
    eventJson,
    epcs: [{ epc: DL(serial), role: "epc" }],
    ...overrides,
  };
}

/** The serial an event fixture was made with. */
export const serialOf = (e: { eventJson: string }) => (JSON.parse(e.eventJson) as { serial: string }).serial;
