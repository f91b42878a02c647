import { createHash, timingSafeEqual } from "node:crypto";
import type { OrganisationRecord } from "#gateway";
import { tokenDigest } from "../../routes/organisations/createCredential.ts";
import type { ApiDeps } from "../../types.ts";

/** Who is capturing: an organisation through one of its credentials, or the operator's admin token. */
export type Capturer = { kind: "admin" } | { kind: "organisation"; organisation: OrganisationRecord };

const BEARER_RE = /^Bearer +([A-Za-z0-9\-._~+/]+=*) *$/i;

/**
 * The capturer a request's `Authorization: Bearer …` names, or why not: `missing` (no or malformed header),
 * `invalid` (no such active credential). The admin token is compared as a SHA-256 digest in constant time;
 * an organisation token is looked up by its SHA-256 (the store holds nothing else).
 */
export async function identifyCapturer(
  header: string | undefined,
  deps: Pick<ApiDeps, "store" | "adminToken">,
): Promise<Capturer | "missing" | "invalid"> {
  const token = header === undefined ? undefined : BEARER_RE.exec(header)?.[1];
  if (token === undefined) return "missing";
  const digest = tokenDigest(token);
  if (timingSafeEqual(digest, createHash("sha256").update(deps.adminToken, "utf8").digest()))
    return { kind: "admin" };
  const credential = await deps.store.findCredential(digest);
  if (!credential) return "invalid";
  const organisation = await deps.store.getOrganisation(credential.organisation);
  return organisation ? { kind: "organisation", organisation } : "invalid";
}
