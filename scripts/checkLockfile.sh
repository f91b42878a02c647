#!/bin/sh
# Proves that package-lock.json is what a newcomer's first install writes: resolves the dependency tree
# again from package.json and the lockfile, with an empty throw-away npm cache, in a scratch folder, and
# fails when the result differs by one byte. npm 11 leaves other platforms' optional packages out of a
# lockfile written from a warm cache, and a fresh machine's install then rewrites it (and `npm ci`
# refuses it): this is the check that catches such a lockfile before it lands.
set -eu
cd "$(dirname "$0")/.."
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cp package.json package-lock.json .npmrc "$scratch/"
(cd "$scratch" && npm_config_cache="$scratch/.npm-cache" npm install --package-lock-only --ignore-scripts --no-audit --no-fund >/dev/null)
if ! cmp -s package-lock.json "$scratch/package-lock.json"; then
  echo "checkLockfile: a fresh install rewrites package-lock.json:" >&2
  diff -u package-lock.json "$scratch/package-lock.json" | head -40 >&2 || true
  echo "checkLockfile: regenerate it with an empty cache (npm_config_cache=\$(mktemp -d) bin/dev npm install) and commit it." >&2
  exit 1
fi
echo "checkLockfile: package-lock.json is what a fresh install writes"
