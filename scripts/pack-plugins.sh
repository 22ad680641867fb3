#!/usr/bin/env bash
# Builds and packs the suite's six plugin packages as a registry would receive them:
#   scripts/pack-plugins.sh <outdir>
# writes <outdir>/<package name without its scope>.tgz, e.g. <outdir>/plugin-maas-backend.tgz.
#
# `yarn pack` runs each package's prepack (`backstage-cli package prepack`: publishConfig's main,
# types and exports replace the src/ entry points) and postpack (restores package.json), and turns
# `workspace:^` ranges into the versions of the sibling packages.
# The type declarations in dist/ are bundled from dist-types/, which the root `yarn tsc` emits,
# so that runs first (once, for all six).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn

[ $# -eq 1 ] || maas_die "usage: scripts/pack-plugins.sh <outdir>"
mkdir -p "$1"
outdir="$(cd "$1" && pwd)"

PLUGINS=(maas-common maas-node maas-backend catalog-backend-module-maas scaffolder-backend-module-maas maas)

started=$SECONDS
maas_log "emitting type declarations (yarn tsc)"
yarn tsc >/dev/null || maas_die "yarn tsc failed; run it to see the type errors"
for dir in "${PLUGINS[@]}"; do
  name="$(node -p "require('./plugins/$dir/package.json').name")"
  file="$outdir/${name#*/}.tgz"
  maas_log "building and packing $name into $file"
  (cd "plugins/$dir" && yarn build >/dev/null && yarn pack --out "$file" >/dev/null) \
    || maas_die "building or packing $name failed; run 'yarn workspace $name build' and 'yarn workspace $name pack' to see why"
done
maas_log "packed ${#PLUGINS[@]} plugins into $outdir in $((SECONDS - started)) s"
