import type { EvidenceContent, EvidenceSubject } from "#evidence";
import type { Hex } from "#protocol";
import type { ProvenanceDocument } from "../../services/provenance/buildProvenance.ts";

/**
 * What an item's evidence package holds, read off its provenance document (built for the same caller, so a
 * private event the caller may not see stays a message id and hash ID): the events in journey order, the
 * units, each sensor's stretch, and every reading the verdict reads, with each sensor's neighbours just
 * outside its stretch so a verifier can check the edges of the hash chain.
 * @example await buildEvidencePackage(contentFromProvenance(document, subject, maxSilenceMs), source)
 */
export function contentFromProvenance(
  document: ProvenanceDocument,
  subject: EvidenceSubject,
  maxSilenceMs: number,
): EvidenceContent {
  const readings: Hex[] = [];
  for (const d of document.devices) {
    // Built with readingIds: each row ends with its message id ([ts, tempC, batch, messageId]).
    const idOf = (row: readonly unknown[]): Hex => row[3] as Hex;
    if (d.before) readings.push(idOf(d.before));
    for (const row of d.readings.rows) readings.push(idOf(row));
    if (d.after) readings.push(idOf(d.after));
  }
  const { profile, source } = document.profile;
  return {
    subject,
    generatedAt: document.generatedAt,
    profile: { ...profile, source },
    maxSilenceMs,
    journey: {
      events: document.events.map((e) => ({ messageId: e.messageId, hashId: e.hashId, visible: e.visible })),
      units: document.units,
      sensors: document.devices.map((d) => ({
        giai: d.giai,
        device: d.device as Hex | null,
        unit: d.unit,
        via: d.via,
        from: d.from,
        to: d.to ?? Math.max(document.generatedAt, d.from),
      })),
    },
    readings,
    devices: document.devices.flatMap((d) => (d.device === null ? [] : [d.device as Hex])),
    claimed: {
      complete: document.devices.length > 0 && document.devices.every((d) => d.complete),
      verdict: document.coldChain.verdict,
      gaps: document.devices.flatMap((d) => d.gaps),
    },
  };
}
