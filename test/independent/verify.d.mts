// Type declarations for the independent verifier (verify.mjs), so TypeScript tests can import it.

export type Category = "format" | "header" | "signature" | "payload" | "key" | "bundle";

export interface Payload {
  v: number;
  seq: number;
  ts: number;
  prev: string;
  m: Record<string, number>;
}

export type MessageResult =
  | { ok: true; messageId: string; device: string; publicKey: string; payload: Payload; size: number }
  | { ok: false; reason: string; category: Category; detail: string };

export type ExpectedKey =
  | string
  | Uint8Array
  | { publicKey?: string; address?: string; privateKey?: string }
  | null;

export type CborValue =
  | { t: "uint" | "nint"; v: bigint }
  | { t: "bytes"; v: Uint8Array }
  | { t: "text"; v: string }
  | { t: "array"; v: CborValue[] }
  | { t: "map"; v: [CborValue, CborValue][] }
  | { t: "tag"; tag: number; v: CborValue }
  | { t: "float"; v: number; width: 16 | 32 | 64 }
  | { t: "simple"; v: boolean | null | undefined };

export interface ChainIssue {
  index: number;
  device?: string;
  reason: string;
  category?: string;
  detail: string;
}
export interface ChainResult {
  ok: boolean;
  devices: Record<
    string,
    { count: number; firstSeq: number; lastSeq: number; head: string; complete: boolean }
  >;
  errors: ChainIssue[];
  warnings: ChainIssue[];
}

export interface InclusionResult {
  ok: boolean;
  library: boolean;
  manual: boolean;
}
export interface TreeResult {
  ok: boolean;
  root: string;
  rebuiltRoot: string | null;
  proofs: (InclusionResult & { messageId: string })[];
  errors: { reason: string; detail: string; index?: number }[];
}

export interface AnchorReport {
  index: number;
  chainId: number;
  contract: string;
  status: string;
  txHash: string | null;
  checked: boolean;
  ok: boolean | null;
  detail: string[];
  confirmations?: number;
  eventTopic0?: string;
}
export interface BundleReport {
  ok: boolean;
  format: string;
  level: "none" | "signed" | "sealed" | "anchored";
  errors: { check: string; detail?: string }[];
  warnings: { check: string; detail: string }[];
  checks: { name: string; ok: boolean; detail?: string }[];
  message: MessageResult | null;
  merkle: (InclusionResult & { root: string; depth: number }) | null;
  anchors: AnchorReport[];
  /** The signing key's registry check (bundles with a `registry` section). */
  key?: {
    checked: boolean;
    ok?: boolean;
    detail: string;
    record?: { registeredAt: number; revokedAt: number; metadataHash: string };
  };
}
export interface BundleOptions {
  rpcUrl?: string | Record<string | number, string>;
  minConfirmationsFinal?: number;
  eventTopic?: string;
  requireAnchored?: boolean;
}

export const COSE_SIGN1_TAG: number;
export const ALG_ES256K: number;
export const HDR_ALG: number;
export const HDR_KID: number;
export const PAYLOAD_VERSION: number;
export const LEAF_ENCODING: string;
export const BUNDLE_FORMAT: string;
export const ANCHOR_STATUSES: string[];
export const DEFAULT_MAX_MESSAGE_BYTES: number;

export function hexToBytes(hex: string | Uint8Array, what?: string): Uint8Array;
export function bytesToHex(bytes: Uint8Array): string;
export function keccakHex(bytes: Uint8Array): string;
export function decodeCbor(
  bytes: Uint8Array,
  options?: { allowTopLevelTag?: boolean; strictHeads?: boolean },
): CborValue;
export function sigStructure(protectedBytes: Uint8Array, payloadBytes: Uint8Array): Uint8Array;
export function addressFromPublicKey(publicKey: string | Uint8Array): string;
export function addressFromPrivateKey(privateKey: string | Uint8Array): string;
export function verifyMessage(
  message: string | Uint8Array,
  key: ExpectedKey,
  options?: { maxBytes?: number; strictHeads?: boolean },
): MessageResult;
export function verifyChain(
  messages: (string | Uint8Array | { message: string | Uint8Array; key?: ExpectedKey })[],
  options?: { allowWindow?: boolean },
): ChainResult;
export function leafHash(messageId: string): Uint8Array;
export function processProof(messageId: string, proof: string[]): string;
export function verifyInclusion(root: string, messageId: string, proof: string[]): InclusionResult;
export function verifyTree(root: string, messageIds: string[], proofs?: string[][]): TreeResult;
export function verifyBundle(bundle: unknown, options?: string | BundleOptions): Promise<BundleReport>;
export function closeProviders(): void;

export function registryMetadataHash(kind: "device" | "organisation" | "attester", publicKey: string): string;
export function registryKeyOk(
  record: { registeredAt: number; revokedAt: number; metadataHash: string },
  kind: "device" | "organisation" | "attester",
  publicKey: string,
  anchoredAt: number,
): { ok: boolean; detail: string };
