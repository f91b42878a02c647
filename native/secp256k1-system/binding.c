// ES256K signature verification against the system's libsecp256k1 (Debian: libsecp256k1-dev), for the
// gateway's hot path. The `secp256k1` npm package bundles a libsecp256k1 of 2019; the library of today
// verifies ~30 % faster (safegcd inversions, newer field code). Node-API, so one build serves any Node
// version; context-aware, so worker threads may load it.
#define NAPI_VERSION 8
#include <node_api.h>
#include <secp256k1.h>
#include <stddef.h>
#include <stdint.h>

#ifndef SEALTRAIL_SECP256K1_VERSION
#define SEALTRAIL_SECP256K1_VERSION "unknown"
#endif

// Verification only reads the context: the static one needs no allocation and is safe on every thread.
#define CTX secp256k1_context_static

static int bytes_of(napi_env env, napi_value value, const uint8_t **data, size_t *length) {
  napi_typedarray_type type;
  napi_value buffer;
  size_t offset;
  void *raw;
  if (napi_get_typedarray_info(env, value, &type, length, &raw, &buffer, &offset) != napi_ok) return 0;
  if (type != napi_uint8_array) return 0;
  *data = (const uint8_t *)raw;
  return 1;
}

// verify(signature: Uint8Array(64), digest: Uint8Array(32), publicKey: Uint8Array(33 | 65)): boolean
// Anything malformed (wrong type or length, r or s out of range, a key off the curve) is false. As in
// every libsecp256k1, a high-S signature is false too.
static napi_value verify(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3];
  napi_value result;
  const uint8_t *sig, *digest, *key;
  size_t sig_len, digest_len, key_len;
  int ok = 0;
  secp256k1_ecdsa_signature signature;
  secp256k1_pubkey pubkey;
  if (napi_get_cb_info(env, info, &argc, argv, NULL, NULL) == napi_ok && argc == 3 &&
      bytes_of(env, argv[0], &sig, &sig_len) && sig_len == 64 &&
      bytes_of(env, argv[1], &digest, &digest_len) && digest_len == 32 &&
      bytes_of(env, argv[2], &key, &key_len) && (key_len == 33 || key_len == 65) &&
      secp256k1_ecdsa_signature_parse_compact(CTX, &signature, sig) &&
      secp256k1_ec_pubkey_parse(CTX, &pubkey, key, key_len)) {
    ok = secp256k1_ecdsa_verify(CTX, &signature, digest, &pubkey);
  }
  napi_get_boolean(env, ok == 1, &result);
  return result;
}

NAPI_MODULE_INIT() {
  napi_value fn, version;
  napi_create_function(env, "verify", NAPI_AUTO_LENGTH, verify, NULL, &fn);
  napi_set_named_property(env, exports, "verify", fn);
  napi_create_string_utf8(env, SEALTRAIL_SECP256K1_VERSION, NAPI_AUTO_LENGTH, &version);
  napi_set_named_property(env, exports, "libsecp256k1Version", version);
  return exports;
}
