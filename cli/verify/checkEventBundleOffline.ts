import { eventHashId, eventsOfEpcisDocument, isGs1Error } from "#gs1";
import {
  type EventProofBundle,
  isProtocolError,
  nobleVerifier,
  parseEventProofBundle,
  verifyEventProofBundleOffline,
} from "#protocol";
import type { Check, SignedEventView } from "./types.ts";

/**
 * The offline checks of a `sealtrail-event-proof-v1` bundle: its format and schema, protocol/'s checks
 * (message, every informative field against the signed bytes, signature, Merkle path), and the one field
 * protocol/ cannot check: `eventHashId`, recomputed here from the signed event with gs1/'s CBV 2.0 hash.
 * @example const { checks, bundle } = checkEventBundleOffline(JSON.parse(text))
 */
export function checkEventBundleOffline(value: unknown): {
  checks: Check[];
  bundle: EventProofBundle | null;
  signed: SignedEventView | null;
} {
  let bundle: EventProofBundle;
  try {
    bundle = parseEventProofBundle(value);
  } catch (error) {
    if (!isProtocolError(error)) throw error;
    return {
      checks: [{ name: "bundle format", ok: false, detail: error.shortMessage }],
      bundle: null,
      signed: null,
    };
  }
  const checks: Check[] = [{ name: "bundle format", ok: true, detail: bundle.format }];
  const offline = verifyEventProofBundleOffline(bundle, nobleVerifier);
  checks.push(...offline.checks);
  const decoded = offline.signed;
  if (decoded === null) return { checks, bundle, signed: null };
  let hash: string | null = null;
  try {
    const context = decoded.event["@context"];
    const options = eventsOfEpcisDocument({
      ...(context === undefined ? {} : { "@context": context }),
      type: "EPCISDocument",
      epcisBody: { eventList: [decoded.event] },
    }).options;
    hash = eventHashId(decoded.event, options);
    const ok = hash === bundle.eventHashId;
    checks.push({
      name: "eventHashId",
      ok,
      detail: ok
        ? `${hash} = CBV 2.0 hash of the signed event`
        : `bundle field eventHashId is ${bundle.eventHashId}, the signed event hashes to ${hash}`,
    });
  } catch (error) {
    if (!isGs1Error(error)) throw error;
    checks.push({
      name: "eventHashId",
      ok: false,
      detail: `the signed event cannot be hashed: ${error.shortMessage}`,
    });
  }
  const eventTime = decoded.event.eventTime;
  return {
    checks,
    bundle,
    signed: {
      signer: decoded.signer,
      signedBy: decoded.signedBy,
      organisation: decoded.organisation,
      messageId: decoded.messageId,
      type: String(decoded.event.type),
      eventTime: typeof eventTime === "string" ? eventTime : null,
      eventHashId: hash,
    },
  };
}
