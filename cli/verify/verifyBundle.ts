import {
  type AnchorRecord,
  EVENT_PROOF_BUNDLE_FORMAT,
  type EventProofBundle,
  isProtocolError,
  nobleVerifier,
  type ProofBundle,
  parseProofBundle,
  readingToJson,
  verifyProofBundleOfflineDetailed,
} from "#protocol";
import { isCliError } from "../errors.ts";
import type { AnchorChain } from "./anchorChain.ts";
import { checkAnchorOnChain } from "./checkAnchorOnChain.ts";
import { checkEventBundleOffline } from "./checkEventBundleOffline.ts";
import { checkSigningKey, type SigningKeyClaim } from "./checkSigningKey.ts";
import { connectRpc, DEFAULT_RPC_TIMEOUT_MS, rpcErrorReason } from "./connectRpc.ts";
import { decideVerdict } from "./decideVerdict.ts";
import {
  type AnchorVerification,
  type Check,
  type KeyVerification,
  type MinStatus,
  type SignedEventView,
  type SignedReadingView,
  VERIFY_REPORT_FORMAT,
  type VerifyReport,
} from "./types.ts";

export type VerifyBundleOptions = {
  /** File name or "-", for the report. */
  source: string;
  /** JSON-RPC endpoints; each anchor is checked on the one serving its chain. */
  rpcUrls: readonly string[];
  minStatus: MinStatus;
  /** Upper bound of each RPC call, ms (default 10 s). */
  rpcTimeoutMs?: number;
  /** Told what is being waited for when an RPC call has had no answer for a second (e.g. stderr). */
  onWaiting?: (line: string) => void;
  /** Opens an endpoint; defaults to JSON-RPC over HTTP (tests may pass a fake chain). */
  connect?: (url: string) => Promise<AnchorChain>;
};

type Endpoints = { chains: AnchorChain[]; failures: string[] };

/**
 * Verifies a proof bundle given as JSON text: its format, the offline checks of protocol/ (the message
 * decodes, the informative fields say what its bytes say, ES256K signature, Merkle path), then every
 * anchor that claims to be on chain against the chain itself, each RPC call bounded by a timeout. The
 * report carries the reading as signed, decoded from the message bytes. Never throws for a bad bundle or an unreachable RPC: everything ends up in the report.
 * @example const report = await verifyBundle(text, { source: "b.json", rpcUrls: ["http://127.0.0.1:8545"], minStatus: "included" })
 */
export async function verifyBundle(text: string, options: VerifyBundleOptions): Promise<VerifyReport> {
  const checks: Check[] = [];
  let signed: SignedReadingView | null = null;
  let signedEvent: SignedEventView | null = null;
  const report = (
    bundle: ProofBundle | EventProofBundle | null,
    anchors: AnchorVerification[],
    signingKey?: KeyVerification,
  ): VerifyReport => {
    const verdict = decideVerdict({
      checks,
      merklePending: bundle !== null && bundle.merkle === null,
      anchors,
      minStatus: options.minStatus,
      ...(signingKey === undefined ? {} : { signingKey }),
    });
    return {
      format: VERIFY_REPORT_FORMAT,
      source: options.source,
      valid: verdict.status === "valid",
      verdict,
      minStatus: options.minStatus,
      messageId: bundle?.messageId ?? null,
      device: bundle === null ? null : "device" in bundle ? bundle.device : bundle.signer,
      signed,
      ...(signedEvent === null ? {} : { signedEvent }),
      checks,
      anchors,
      ...(signingKey === undefined ? {} : { signingKey }),
    };
  };

  let bundle: ProofBundle | EventProofBundle;
  try {
    const value: unknown = JSON.parse(text);
    if ((value as { format?: unknown } | null)?.format === EVENT_PROOF_BUNDLE_FORMAT) {
      // An event's bundle: its own offline checks (protocol/ plus the CBV hash), then the same anchors.
      const event = checkEventBundleOffline(value);
      checks.push(...event.checks);
      signedEvent = event.signed;
      if (event.bundle === null) return report(null, []);
      const eventBundle = event.bundle;
      const claim: SigningKeyClaim = {
        registry: eventBundle.registry,
        signer: eventBundle.signer,
        publicKey: eventBundle.publicKey,
        kind: eventBundle.signedBy === "attester" ? "attester" : "organisation",
      };
      return await verifyAnchors(eventBundle, claim, options, checks, (anchors, key) =>
        report(eventBundle, anchors, key),
      );
    }
    bundle = parseProofBundle(value);
    checks.push({ name: "bundle format", ok: true, detail: bundle.format });
  } catch (error) {
    if (error instanceof SyntaxError) {
      checks.push({ name: "bundle format", ok: false, detail: `not valid JSON: ${error.message}` });
    } else if (isProtocolError(error)) {
      checks.push({ name: "bundle format", ok: false, detail: error.shortMessage });
    } else throw error;
    return report(null, []);
  }
  const offline = verifyProofBundleOfflineDetailed(bundle, nobleVerifier);
  checks.push(...offline.checks);
  if (offline.signed !== null) {
    const { v, seq, ts, prev, m } = readingToJson(offline.signed.reading) as SignedReadingView["payload"];
    signed = {
      device: offline.signed.device,
      messageId: offline.signed.messageId,
      payload: { v, seq, ts, prev, m },
      time: isoTime(ts),
    };
  }
  const claim: SigningKeyClaim = {
    registry: bundle.registry,
    signer: bundle.device,
    publicKey: bundle.publicKey,
    kind: "device",
  };
  return verifyAnchors(bundle, claim, options, checks, (anchors, key) => report(bundle, anchors, key));
}

/**
 * Checks every anchor of a bundle whose offline checks are in `checks` (RPC calls only when they pass),
 * then its signing key in the registry at the anchor time.
 */
async function verifyAnchors(
  bundle: { merkle: ProofBundle["merkle"]; anchors: AnchorRecord[] },
  claim: SigningKeyClaim,
  options: VerifyBundleOptions,
  checks: Check[],
  report: (anchors: AnchorVerification[], signingKey: KeyVerification) => VerifyReport,
): Promise<VerifyReport> {
  const offlineOk = checks.every((c) => c.ok);

  let endpoints: Promise<Endpoints> | undefined;
  const connectAll = () => {
    const connect =
      options.connect ??
      ((url: string) =>
        connectRpc(url, {
          timeoutMs: options.rpcTimeoutMs ?? DEFAULT_RPC_TIMEOUT_MS,
          ...(options.onWaiting ? { onWaiting: options.onWaiting } : {}),
        }));
    endpoints ??= openEndpoints(options.rpcUrls, connect);
    return endpoints;
  };
  try {
    const anchors: AnchorVerification[] = [];
    for (const [index, anchor] of bundle.anchors.entries()) {
      anchors.push(
        await verifyAnchor(index, anchor, bundle, offlineOk, options.rpcUrls.length > 0, connectAll),
      );
    }
    const haveRpc = options.rpcUrls.length > 0;
    const signingKey: KeyVerification = !offlineOk
      ? {
          result: "unchecked",
          registry: claim.registry ?? null,
          record: null,
          detail: "not checked: the offline checks failed",
        }
      : await checkSigningKey(
          claim,
          anchors,
          claim.registry !== undefined && haveRpc ? (await connectAll()).chains : [],
          haveRpc,
        );
    return report(anchors, signingKey);
  } finally {
    if (endpoints) for (const chain of (await endpoints).chains) chain.close();
  }
}

async function openEndpoints(
  urls: readonly string[],
  connect: (url: string) => Promise<AnchorChain>,
): Promise<Endpoints> {
  const settled = await Promise.allSettled(urls.map((url) => connect(url)));
  const result: Endpoints = { chains: [], failures: [] };
  for (const s of settled) {
    if (s.status === "fulfilled") result.chains.push(s.value);
    else result.failures.push(isCliError(s.reason) ? s.reason.shortMessage : rpcErrorReason(s.reason));
  }
  return result;
}

async function verifyAnchor(
  index: number,
  anchor: AnchorRecord,
  bundle: { merkle: ProofBundle["merkle"] },
  offlineOk: boolean,
  haveRpc: boolean,
  connectAll: () => Promise<Endpoints>,
): Promise<AnchorVerification> {
  const entry: AnchorVerification = {
    index,
    chainId: anchor.chainId,
    contract: anchor.contract,
    status: anchor.status,
    txHash: anchor.txHash,
    blockNumber: anchor.blockNumber,
    blockTimestamp: anchor.blockTimestamp,
    result: "not-anchored",
    confirmations: null,
    checks: [],
  };
  const settle = (result: AnchorVerification["result"], name: string, ok: boolean, detail: string) => {
    entry.result = result;
    entry.checks.push({ name, ok, detail });
    return entry;
  };
  if (anchor.status !== "included" && anchor.status !== "final") {
    return entry; // nothing on chain to check yet
  }
  const { txHash, blockNumber, blockTimestamp } = anchor;
  if (txHash === null || blockNumber === null || blockTimestamp === null) {
    return settle(
      "failed",
      "anchor fields",
      false,
      `status ${anchor.status} needs txHash, blockNumber and blockTimestamp`,
    );
  }
  if (bundle.merkle === null) {
    return settle(
      "failed",
      "merkle root",
      false,
      `status ${anchor.status} but the bundle has no Merkle root`,
    );
  }
  if (!offlineOk) return settle("unchecked", "on chain", false, "not checked: the offline checks failed");
  if (!haveRpc)
    return settle("unchecked", "on chain", false, "not checked: pass --rpc <url> to check it on chain");

  const { chains, failures } = await connectAll();
  const chain = chains.find((c) => c.chainId === BigInt(anchor.chainId));
  if (chain === undefined) {
    if (failures.length > 0) return settle("unchecked", "RPC", false, failures.join("; "));
    const served = chains.map((c) => `chain ${c.chainId} at ${c.label}`).join(", ");
    return settle(
      "unchecked",
      "chain id",
      false,
      `no --rpc endpoint serves chain ${anchor.chainId} (given: ${served})`,
    );
  }
  const checked = await checkAnchorOnChain(
    chain,
    {
      chainId: anchor.chainId,
      contract: anchor.contract,
      txHash,
      blockNumber,
      blockTimestamp,
      ...(anchor.genesisHash === undefined ? {} : { genesisHash: anchor.genesisHash }),
    },
    bundle.merkle.root,
  );
  entry.checks.push(...checked.checks);
  entry.confirmations = checked.confirmations;
  entry.result =
    checked.outcome === "verified" ? "verified" : checked.outcome === "mismatch" ? "failed" : "unchecked";
  return entry;
}

/** ISO time of a device timestamp (ms), or a note when it is past what a Date can hold. */
function isoTime(ms: number): string {
  const date = new Date(ms);
  return Number.isNaN(date.getTime()) ? "(out of range)" : date.toISOString();
}
