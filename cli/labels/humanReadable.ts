import type { ParsedDigitalLink } from "#gs1";

/**
 * The item's GS1 element string as people read it under a barcode (the HRI): each AI in parentheses before
 * its value, keys first, qualifiers in the standard's order, then the data attributes in AI order.
 * @example humanReadable(parseDigitalLink("https://x.example/01/09506000134352/10/L1/21/S1"))
 *   // "(01) 09506000134352 (10) L1 (21) S1"
 */
export function humanReadable(item: ParsedDigitalLink): string {
  const k = item.key;
  const parts: [string, string][] = [];
  switch (k.type) {
    case "gtin":
    case "sgtin":
    case "lgtin":
      parts.push(["01", k.gtin]);
      if (item.cpv !== undefined) parts.push(["22", item.cpv]);
      if (k.type === "lgtin") parts.push(["10", k.lot]);
      if (k.type === "sgtin" && item.lot !== undefined) parts.push(["10", item.lot]);
      if (k.type === "sgtin") parts.push(["21", k.serial]);
      break;
    case "sscc":
      parts.push(["00", k.sscc]);
      break;
    case "gln":
      parts.push(["414", k.gln]);
      if (k.extension !== undefined) parts.push(["254", k.extension]);
      break;
    case "giai":
      parts.push(["8004", k.giai]);
      break;
    case "grai":
      parts.push(["8003", k.grai + (k.serial ?? "")]);
      break;
  }
  for (const ai of Object.keys(item.attributes).sort()) parts.push([ai, item.attributes[ai]!]);
  return parts.map(([ai, value]) => `(${ai}) ${value}`).join(" ");
}
