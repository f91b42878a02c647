{
  "targets": [
    {
      "target_name": "sealtrail_secp256k1",
      "sources": ["binding.c"],
      "cflags": ["-O2", "-Wall", "-Wextra"],
      "defines": ["SEALTRAIL_SECP256K1_VERSION=\"<!(pkg-config --modversion libsecp256k1)\""],
      "include_dirs": ["<!@(pkg-config --cflags-only-I libsecp256k1 | sed 's/-I//g')"],
      "libraries": ["<!@(pkg-config --libs libsecp256k1)"]
    }
  ]
}
