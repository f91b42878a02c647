import {
  type Hex,
  judgeKeyState,
  type RegistryKeyKind,
  type RegistryKeyRecord,
  type RegistryReference,
} from "#protocol";
import type { AnchorChain } from "./anchorChain.ts";
import { rpcErrorReason } from "./connectRpc.ts";
import type { AnchorVerification, KeyVerification } from "./types.ts";

/** What the bundle says about the signing key, as the message bytes confirmed it. */
export type SigningKeyClaim = {
  registry: RegistryReference | undefined;
  /** The message's kid. */
  signer: Hex;
  publicKey: Hex;
  /** The kind the bundle's own type implies: device for a reading, organisation or attester for an event. */
  kind: RegistryKeyKind;
};

/**
 * Checks in the registry that the signing key was active when the message was anchored: the earliest
 * verified anchor's block time, the first moment the chain vouches the message existed (the signed `ts` is
 * the signer's word; a stolen key could backdate it). Registry entry read with `deviceRecord(key)` on the
 * endpoint serving the registry's chain; the verdict is protocol/'s judgeKeyState. A bundle without a
 * registry section is `absent` (older bundles; a registration not yet on chain): valid, said so.
 * @example await checkSigningKey(claim, anchors, chains)
 */
export async function checkSigningKey(
  claim: SigningKeyClaim,
  anchors: readonly AnchorVerification[],
  chains: readonly AnchorChain[],
  haveRpc: boolean,
): Promise<KeyVerification> {
  const { registry } = claim;
  if (registry === undefined)
    return {
      result: "absent",
      registry: null,
      record: null,
      detail:
        "not checked: the bundle names no key registry (written before it existed, or the registration was not on chain yet)",
    };
  const entry = (
    result: KeyVerification["result"],
    detail: string,
    record: RegistryKeyRecord | null = null,
  ) => ({
    result,
    registry,
    record,
    detail,
  });
  if (registry.key.toLowerCase() !== claim.signer.toLowerCase())
    return entry(
      "failed",
      `the registry section names key ${registry.key}, the message is signed by ${claim.signer}`,
    );
  if (registry.kind !== claim.kind)
    return entry(
      "failed",
      `the registry section says the key is of kind ${registry.kind}, the bundle says ${claim.kind}`,
    );
  const anchored = anchors
    .filter((a) => a.result === "verified" && a.blockTimestamp !== null)
    .map((a) => a.blockTimestamp!)
    .sort((x, y) => x - y)[0];
  if (anchored === undefined)
    return entry("unchecked", "not checked: no anchor was verified on chain to date the message by");
  if (!haveRpc) return entry("unchecked", "not checked: pass --rpc <url> to check the key on chain");
  const chain = chains.find((c) => c.chainId === BigInt(registry.chainId));
  if (chain === undefined)
    return entry("unchecked", `not checked: no --rpc endpoint serves chain ${registry.chainId}`);
  if (chain.keyRecord === undefined)
    return entry("unchecked", `not checked: ${chain.label} cannot read the registry`);
  let record: RegistryKeyRecord | null;
  try {
    record = await chain.keyRecord(registry.contract, registry.key);
  } catch (error) {
    return entry("unchecked", `RPC error from ${chain.label}: ${rpcErrorReason(error)}`);
  }
  if (record === null)
    return entry("failed", `no registry contract at ${registry.contract} on chain ${registry.chainId}`);
  const verdict = judgeKeyState(record, {
    kind: claim.kind,
    publicKey: claim.publicKey,
    anchoredAt: anchored,
  });
  return entry(verdict.ok ? "verified" : "failed", verdict.detail, record);
}
