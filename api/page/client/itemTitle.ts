import type { PageItem } from "./pageConfig.ts";

/**
 * What the item is called before anything is verified: its identifiers only (server and page agree).
 * @example itemTitle({ path, gtin: "04012345222227", serial: "R1-1" }) // "Product 04012345222227, serial R1-1"
 */
export function itemTitle(item: PageItem): string {
  if (item.sscc) return `Shipment ${item.sscc}`;
  const parts = [`Product ${item.gtin ?? ""}`];
  if (item.serial) parts.push(`serial ${item.serial}`);
  if (item.lot) parts.push(`lot ${item.lot}`);
  return parts.join(", ");
}
