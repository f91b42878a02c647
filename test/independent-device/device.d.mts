// Type declarations for the independent device (device.mjs), so TypeScript tests can import it.

export interface Identity {
  privateKey: Uint8Array;
  /** 33-byte compressed public key */
  publicKey: Uint8Array;
  addressBytes: Uint8Array;
  /** lowercase 0x + 40 hex */
  address: string;
}

export interface Reading {
  seq: number;
  ts: number;
  prev: Uint8Array;
  m: Record<string, number>;
}

export interface Notice {
  id: string | null;
  code: string;
  detail: string;
}

export interface RunDeviceOptions {
  apiUrl: string;
  mqttUrl: string;
  adminToken?: string;
  count?: number;
  label?: string;
  privateKey?: string | Uint8Array;
  register?: boolean;
  measure?: (seq: number) => Record<string, number>;
  log?: (line: string) => void;
  maxAttempts?: number;
}

export interface RunDeviceResult {
  address: string;
  publicKey: string;
  /** keccak256 of each message's raw bytes, 0x hex, in seq order */
  messageIds: string[];
  /** the raw messages, 0x hex, in seq order */
  messages: string[];
  /** PUBACK packets received */
  pubacks: number;
  /** distinct messages acknowledged */
  acked: number;
  /** errors-topic notices and refused CONNECTs */
  refusals: Notice[];
  connects: number;
  /** Date.now() just before the first PUBLISH */
  firstPublishAt: number | undefined;
}

export const GENESIS_PREV: Uint8Array;
export function toHex(bytes: Uint8Array): string;
export function fromHex(hex: string, expectedLength?: number): Uint8Array;
export function keccak256(bytes: Uint8Array): Uint8Array;
export function decodeCbor(bytes: Uint8Array): unknown;
export function generatePrivateKey(): Uint8Array;
export function identityFromPrivateKey(privateKey: string | Uint8Array): Identity;
export function protectedHeader(addressBytes: Uint8Array): Uint8Array;
export function coseSign1(identity: Identity, payload: Uint8Array): Uint8Array;
export function encodeReadingPayload(reading: Reading): Uint8Array;
export function signReading(
  identity: Identity,
  reading: Reading,
): { message: Uint8Array; messageIdBytes: Uint8Array; messageId: string };
export function signConnectToken(identity: Identity, iatSeconds: number): Uint8Array;
export function registerDevice(args: {
  apiUrl: string;
  adminToken: string;
  identity: Identity;
  label: string;
}): Promise<{ status: number; body: unknown }>;
export function runDevice(options: RunDeviceOptions): Promise<RunDeviceResult>;
