/**
 * A CBV 2.0 term as the store indexes it, its bare word (`shipping`), from any of its forms: the bare word,
 * the Web URI (`https://ref.gs1.org/cbv/BizStep-shipping`) or the URN (`urn:epcglobal:cbv:bizstep:shipping`).
 * Any other URI (a company's own vocabulary) is kept as given, as capture keeps it.
 * @example cbvTerm("https://ref.gs1.org/cbv/Disp-in_transit") // "in_transit"
 */
export function cbvTerm(value: string): string {
  if (value.startsWith("https://ref.gs1.org/cbv/")) return value.slice(value.lastIndexOf("-") + 1);
  if (value.startsWith("urn:epcglobal:cbv:")) return value.slice(value.lastIndexOf(":") + 1);
  return value;
}

/** A sensor report type as a bare word of GS1's vocabulary: `Temperature`, `gs1:Temperature`, `https://gs1.org/voc/Temperature`. */
export function sensorType(value: string): string {
  if (value.startsWith("https://gs1.org/voc/")) return value.slice("https://gs1.org/voc/".length);
  if (value.startsWith("gs1:")) return value.slice(4);
  return value;
}
