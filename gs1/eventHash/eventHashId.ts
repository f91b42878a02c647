import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex, utf8ToBytes } from "@noble/hashes/utils.js";
import { type EventHashOptions, eventPrehash } from "./eventPrehash.ts";

/**
 * The event hash ID of a pre-hash string: SHA-256 of its UTF-8 bytes as an RFC 6920 named-information URI
 * with the CBV version, `ni:///sha-256;<64 hex>?ver=CBV2.0`.
 * @example hashPrehash("eventType=ObjectEvent…") // "ni:///sha-256;…?ver=CBV2.0"
 */
export function hashPrehash(prehash: string): string {
  return `ni:///sha-256;${bytesToHex(sha256(utf8ToBytes(prehash)))}?ver=CBV2.0`;
}

/**
 * The CBV 2.0 event hash ID of an EPCIS 2.0 event (JSON-LD object): the same for every rendering of the
 * same event (field order, EPC URN or Digital Link, bare word or IRI, time zone), so it identifies the event
 * across repositories. Pass the document's namespaces (see `eventsOfEpcisDocument`) for events with
 * extension fields.
 * @example eventHashId(event, { namespaces: { example: "https://ns.example.com/epcis/" } })
 *   // "ni:///sha-256;ffa491b1…4b?ver=CBV2.0"
 */
export function eventHashId(event: Record<string, unknown>, options: EventHashOptions = {}): string {
  return hashPrehash(eventPrehash(event, options));
}
