import { decodeReading, readingToJson } from "#protocol";
import type { MessageRecord } from "../../gateway/store/types.ts";

/**
 * The record the gateway stores for a signed reading, as if it had arrived at `receivedAt` (benches that fill
 * a store without MQTT: bench/storeBytes.ts, bench/walGrowth.ts).
 * @example await store.insertMessage(readingRecord(chains[0][0], Date.now()))
 */
export function readingRecord(raw: Uint8Array, receivedAt: number): MessageRecord {
  const decoded = decodeReading(raw);
  return {
    messageId: decoded.messageId,
    device: decoded.device,
    seq: decoded.reading.seq,
    raw,
    deviceTs: decoded.reading.ts,
    receivedAt,
    payloadJson: JSON.stringify(readingToJson(decoded.reading)),
  };
}
