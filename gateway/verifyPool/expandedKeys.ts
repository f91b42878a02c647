import { bytesEqual } from "#protocol";
import { uncompressPublicKey } from "#protocol/native";

/**
 * Per-device cache of 65-byte public keys. The registry keeps 33-byte compressed keys; a verify with the
 * 65-byte form skips decompressing the key (a modular square root) on every message, ~8% of a native
 * verify. Decompressed once per device, by libsecp256k1 (~8 µs; noble's square root took ~0.17 ms a key:
 * 0.17 s per thread when 1,000 devices reconnect). Used by each verify worker and by the main thread when it
 * verifies inline (AdaptiveVerifier), each with its own cache.
 * @example const keys = new ExpandedKeys(); keys.get(device.address, device.publicKey).length // 65
 */
export class ExpandedKeys {
  private readonly max: number;
  private readonly byDevice = new Map<string, { compressed: Uint8Array; key: Uint8Array }>();

  constructor(max = 100_000) {
    this.max = max;
  }

  /** The 65-byte key of `compressed` (cached by device); a key that is not a point comes back as it is. */
  get(device: string, compressed: Uint8Array): Uint8Array {
    const cached = this.byDevice.get(device);
    if (cached && bytesEqual(cached.compressed, compressed)) return cached.key;
    let key: Uint8Array;
    try {
      key = uncompressPublicKey(compressed);
    } catch {
      return compressed; // not a point: the verifier refuses it as it is
    }
    if (this.byDevice.size >= this.max) this.byDevice.clear();
    this.byDevice.set(device, { compressed: compressed.slice(), key });
    return key;
  }
}
