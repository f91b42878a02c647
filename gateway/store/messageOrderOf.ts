import type { MessageOrder, MessageQuery } from "./types.ts";

/**
 * The order a message listing comes in (see MessageOrder): one device's seq when it names a device, else
 * receive time when it has a receive-time window, else arrival. Callers build and check cursors with it.
 * @example messageOrderOf({ receivedFrom: 1700000000000 }) // "received"
 */
export function messageOrderOf(
  query: Pick<MessageQuery, "device" | "receivedFrom" | "receivedTo">,
): MessageOrder {
  if (query.device !== undefined) return "seq";
  if (query.receivedFrom !== undefined || query.receivedTo !== undefined) return "received";
  return "arrival";
}
