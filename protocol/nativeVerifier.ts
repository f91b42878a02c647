import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import { SealtrailError } from "./errors.ts";
import type { SignatureVerifier } from "./signature.ts";

/** Which libsecp256k1 the native verifier runs on. */
export type NativeBackend = {
  /** "system": the machine's libsecp256k1 through our addon; "bundled": the `secp256k1` package's copy. */
  library: "system" | "bundled";
  /** libsecp256k1's version ("0.2.0"), or the snapshot the package bundles. */
  version: string;
};

type Backend = NativeBackend & {
  verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
};

/** Where `npm run build:native` puts the addon that binds the system's libsecp256k1. */
export const SYSTEM_ADDON_PATH = fileURLToPath(
  new URL("../native/secp256k1-system/build/Release/sealtrail_secp256k1.node", import.meta.url),
);

/** Which libsecp256k1 to use: "auto" takes the system library when its addon is built. */
export type NativeBackendChoice = "auto" | "system" | "bundled";

let cached: Backend | undefined;

function loadSystem(): Backend {
  const addon = createRequire(import.meta.url)(SYSTEM_ADDON_PATH) as {
    verify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
    libsecp256k1Version: string;
  };
  return { library: "system", version: addon.libsecp256k1Version, verify: addon.verify };
}

type BundledAddon = {
  ecdsaVerify(signature: Uint8Array, digest: Uint8Array, publicKey: Uint8Array): boolean;
  ecdsaSign(digest: Uint8Array, privateKey: Uint8Array): { signature: Uint8Array; recid: number };
  publicKeyConvert(publicKey: Uint8Array, compressed: boolean): Uint8Array;
};

let bundled: BundledAddon | undefined;

function bundledAddon(): BundledAddon {
  // The bindings entry (not the package main) so a missing addon fails loudly instead of silently
  // falling back to the package's pure-JS elliptic code.
  bundled ??= createRequire(import.meta.url)("secp256k1/bindings.js") as BundledAddon;
  return bundled;
}

function loadBundled(): Backend {
  const addon = bundledAddon();
  return {
    library: "bundled",
    version: "secp256k1 npm package 5.x (libsecp256k1 snapshot of 2019-11)",
    verify: (signature, digest, publicKey) => addon.ecdsaVerify(signature, digest, publicKey),
  };
}

function load(wanted: NativeBackendChoice): Backend {
  if (wanted === "bundled") return loadBundled();
  try {
    return loadSystem();
  } catch (error) {
    if (wanted === "system") {
      throw new SealtrailError(
        "NATIVE_VERIFIER_MISSING",
        `the system libsecp256k1 addon does not load from ${SYSTEM_ADDON_PATH} (apt-get install libsecp256k1-dev, then npm run build:native)`,
        { cause: error },
      );
    }
    return loadBundled();
  }
}

/** The chosen backend; "auto" on first use when nobody chose (importing this module loads nothing). */
function backend(): Backend {
  cached ??= load("auto");
  return cached;
}

/**
 * Chooses the native verifier's libsecp256k1 for this thread (a worker chooses its own): "system" is the
 * machine's library through `native/secp256k1-system` (Debian 12: 0.2.0; `bin/dev` builds the addon when
 * `libsecp256k1-dev` is installed), ~46 µs a verify here (65-byte key); "bundled" the `secp256k1` package's prebuilt
 * copy of 2019, ~23 % slower; "auto" the system one when it loads. Both refuse high-S signatures, as protocol
 * v1 does. Throws NATIVE_VERIFIER_MISSING when "system" does not load (and a plain error when neither does).
 * @example selectNativeBackend("auto") // { library: "system", version: "0.2.0" }
 */
export function selectNativeBackend(wanted: NativeBackendChoice): NativeBackend {
  cached = load(wanted);
  return nativeBackend();
}

/**
 * The libsecp256k1 the native verifier uses (loading it if needed); throws when none loads.
 * @example nativeBackend() // { library: "system", version: "0.2.0" }
 */
export function nativeBackend(): NativeBackend {
  const { library, version } = backend();
  return { library, version };
}

/**
 * Verifier backed by native libsecp256k1: the gateway's hot path. Node only.
 * libsecp256k1 itself refuses high-S signatures, matching {@link nobleVerifier}.
 * @example nativeVerifier.verify(digest, signature, publicKey) // true or false
 */
export const nativeVerifier: SignatureVerifier = {
  name: "native",
  verify(digest, signature, publicKey) {
    try {
      return backend().verify(signature, digest, publicKey);
    } catch {
      return false;
    }
  },
};

/** The bundled backend as a verifier of its own, whatever SEALTRAIL_SECP256K1 says (tests and benches). */
export const bundledNativeVerifier: SignatureVerifier = {
  name: "native-bundled",
  verify(digest, signature, publicKey) {
    try {
      return bundledAddon().ecdsaVerify(signature, digest, publicKey);
    } catch {
      return false;
    }
  },
};

/**
 * The 65-byte form of a public key (33 or 65 bytes), by libsecp256k1 (~8 µs; noble's square root takes
 * ~0.17 ms). The verify workers keep it per device: a verify with it skips the decompression each time.
 * Throws when the key is not a point on the curve.
 * @example uncompressPublicKey(device.publicKey).length // 65
 */
export function uncompressPublicKey(publicKey: Uint8Array): Uint8Array {
  return bundledAddon().publicKeyConvert(publicKey, false);
}

/**
 * Signs a 32-byte digest with libsecp256k1 (the `secp256k1` package's copy): RFC 6979 deterministic and
 * low-S, so the 64 bytes `r || s` are exactly what the protocol's pure-JS `signDigest` (noble) makes —
 * property-tested — in about a tenth of the time. For servers that sign in their hot path (the EPCIS
 * capture signs every event as attester); devices, the CLI and browsers keep noble.
 * @example assembleCoseSign1(protectedBytes, payload, nativeSignDigest(digest, privateKey))
 */
export function nativeSignDigest(digest: Uint8Array, privateKey: Uint8Array): Uint8Array {
  return bundledAddon().ecdsaSign(digest, privateKey).signature;
}
