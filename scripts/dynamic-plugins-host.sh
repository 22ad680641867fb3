#!/usr/bin/env bash
# Installs the dynamic plugins host (packages/backend/dynamic-plugins-host: a backend that loads a
# folder of dynamic plugin exports with @backstage/backend-dynamic-feature-service, as Red Hat
# Developer Hub's does) with npm into $MAAS_CACHE_DIR/dynamic-plugins-host/<hash of its
# package.json>, outside the workspace so that the exports resolve their shared @backstage packages
# from the host alone, as in Developer Hub; copies host.cjs there and prints the folder (the only
# line on stdout). Start it with `NODE_PATH=<folder>/node_modules node <folder>/host.cjs --config …`.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
maas_use_node

SRC=packages/backend/dynamic-plugins-host
CACHE="$MAAS_CACHE_DIR/dynamic-plugins-host"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

hash="$(sha256sum "$SRC/package.json" | cut -c1-16)"
dir="$CACHE/$hash"
if [ ! -f "$dir/.complete" ]; then
  maas_log "dynamic plugins host: npm install of $SRC/package.json into $dir"
  started=$SECONDS
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$SRC/package.json" "$dir/"
  (cd "$dir" && npm install --no-audit --no-fund --loglevel=error >&2) ||
    maas_die "dynamic plugins host: npm install failed in $dir; check 'npm config get registry'."
  touch "$dir/.complete"
  maas_log "dynamic plugins host: installed in $((SECONDS - started)) s"
  # Older hosts are of older package.json files: keep the newest two.
  ls -1dt "$CACHE"/*/ 2>/dev/null | tail -n +3 | xargs -r rm -rf
fi
cp "$SRC/host.cjs" "$dir/host.cjs"
echo "$dir"
