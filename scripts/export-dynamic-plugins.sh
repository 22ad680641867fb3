#!/usr/bin/env bash
# Exports the suite as Red Hat Developer Hub dynamic plugins with `rhdh-cli plugin export` (the
# @red-hat-developer-hub/cli package from the npm registry) into one folder of exports, the kind
# of folder Developer Hub's `dynamicPlugins.rootDirectory` points at, and prints that folder's path
# (the only line on stdout).
#
#   scripts/export-dynamic-plugins.sh
#
# Exported: the frontend (plugins/maas: Scalprum assets in dist-scalprum/ for Developer Hub's
# legacy frontend, module federation assets in dist/ for the new frontend system) and the three
# backend packages (maas-backend, catalog-backend-module-maas, scaffolder-backend-module-maas),
# each with maas-common and maas-node embedded (they are not published on their own inside
# Developer Hub) and its other dependencies installed in its own node_modules.
#
# The export builds the packages (`yarn tsc`, then the CLI's `yarn build`) and writes dist/ and
# dist-dynamic/ inside each plugin folder (git-ignored). Its result is cached in
# $MAAS_CACHE_DIR/dynamic-plugins/<hash>, the hash of every input (the plugins' files that git
# sees but their tests and API reports, yarn.lock, the root package.json, tsconfig.json,
# backstage.json, this script and the CLI version), so a second run with nothing changed only prints the folder. Runs at the same time
# wait for each other (flock).
set -euo pipefail

# The one place the Developer Hub CLI's version is pinned.
RHDH_CLI_VERSION=1.9.1

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
# shellcheck source=lib/toolchain.sh
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn

FRONTEND=plugins/maas
BACKENDS=(plugins/maas-backend plugins/catalog-backend-module-maas plugins/scaffolder-backend-module-maas)
EMBEDDED=(@maas-portal/plugin-maas-common @maas-portal/plugin-maas-node)
INPUT_DIRS=("$FRONTEND" "${BACKENDS[@]}" plugins/maas-common plugins/maas-node)

CACHE="$MAAS_CACHE_DIR/dynamic-plugins"
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9

hash="$(
  {
    echo "rhdh-cli $RHDH_CLI_VERSION"
    # Tests and API reports are no part of what is built.
    git ls-files -z --cached --others --exclude-standard -- "${INPUT_DIRS[@]}" \
      yarn.lock package.json tsconfig.json backstage.json scripts/export-dynamic-plugins.sh \
      ':(exclude)*.test.ts' ':(exclude)*.test.tsx' ':(exclude)*/__testUtils__/*' ':(exclude)*.api.md' |
      sort -z | while IFS= read -r -d "" f; do if [ -f "$f" ]; then sha256sum "$f"; fi; done
  } | sha256sum | cut -c1-16
)"
out="$CACHE/$hash"
if [ -f "$out/.complete" ]; then
  maas_log "dynamic plugins: the exports of these sources are cached in $out"
  echo "$out"
  exit 0
fi

cli_dir="$MAAS_CACHE_DIR/rhdh-cli-$RHDH_CLI_VERSION"
cli="$cli_dir/node_modules/.bin/rhdh-cli"
if [ ! -x "$cli" ]; then
  maas_log "installing @red-hat-developer-hub/cli@$RHDH_CLI_VERSION from the npm registry into $cli_dir"
  mkdir -p "$cli_dir"
  echo '{"private":true}' >"$cli_dir/package.json"
  (cd "$cli_dir" && npm install --no-audit --no-fund --loglevel=error \
    "@red-hat-developer-hub/cli@$RHDH_CLI_VERSION" >&2) ||
    maas_die "could not install @red-hat-developer-hub/cli@$RHDH_CLI_VERSION from the npm registry; check 'npm config get registry'."
fi

log="$CACHE/$hash.log"
: >"$log"
run() {
  if ! "$@" >>"$log" 2>&1; then
    tail -n 40 "$log" >&2
    maas_die "dynamic plugins: '$*' failed in $(pwd); the whole output is in $log"
  fi
}

started=$SECONDS
# backstage-cli package build reads the declarations `yarn tsc` writes to dist-types/. tsc writes
# them even where it finds type errors; those are the test command's tsc step to report, not this.
maas_log "dynamic plugins: yarn tsc (declarations for the package builds)"
yarn tsc >>"$log" 2>&1 || maas_log "dynamic plugins: yarn tsc found type errors (see $log); the declarations are written all the same"

tmp="$CACHE/$hash.tmp"
rm -rf "$tmp"
mkdir -p "$tmp"
for dir in "${BACKENDS[@]}" "$FRONTEND"; do
  maas_log "dynamic plugins: exporting $dir"
  args=(plugin export --clean)
  [ "$dir" != "$FRONTEND" ] && args+=(--embed-package "${EMBEDDED[@]}")
  (cd "$dir" && run "$cli" "${args[@]}")
  name="$(node -p "require('./$dir/dist-dynamic/package.json').name")"
  # Folder names as Developer Hub's install script gives them: the package name without '@' and '/'.
  folder="$(echo "$name" | sed -e 's/^@//' -e 's#/#-#')"
  cp -a "$dir/dist-dynamic" "$tmp/$folder"
done
touch "$tmp/.complete"
rm -rf "$out"
mv "$tmp" "$out"

# Older exports are of older sources: keep the newest three.
ls -1dt "$CACHE"/*/ 2>/dev/null | tail -n +4 | xargs -r rm -rf
maas_log "dynamic plugins: exported in $((SECONDS - started)) s to $out"
echo "$out"
