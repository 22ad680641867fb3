#!/usr/bin/env bash
# A Backstage app fresh from @backstage/create-app, installed, as a platform team starts one:
#   scripts/create-fresh-app.sh <dir>
# makes the app in <dir> (emptied first). The version of create-app, the app's name and the pins of packages
# whose newest versions break the new app (each says why) are in packages/e2e/freshApp.json, the
# one place they are set.
#
# Creating and installing takes minutes, so the installed app is cached in
# $MAAS_CACHE_DIR/fresh-app/, keyed by that file and <dir>; a warm run copies it. Give the same <dir> each
# time: Yarn rebuilds every native package of an app it finds moved, which takes as long as the
# install, so a cached app is only used at the path it was installed at.
# Packages are added, built and started by packages/e2e/src/freshApp.exclusive.test.ts, every run.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn
# The app's own Yarn (its .yarnrc.yml yarnPath), as its users run it: not the monorepo's pinned one.
unset YARN_IGNORE_PATH

[ $# -eq 1 ] || maas_die "usage: scripts/create-fresh-app.sh <dir>"
settings="packages/e2e/freshApp.json"
version="$(node -p "require('./$settings').createAppVersion")"
name="$(node -p "require('./$settings').appName")"
key="create-app-$version-$(sha256sum "$settings" | cut -c1-12)"
cache="$MAAS_CACHE_DIR/fresh-app/$key"
mkdir -p "$(dirname "$1")"
app="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"

rm -rf "$app"
started=$SECONDS
if [ -f "$cache/complete" ] && [ "$(cat "$cache/complete")" = "$app" ]; then
  cp -a "$cache/app" "$app"
  maas_log "copied the app of @backstage/create-app@$version from $cache in $((SECONDS - started)) s"
else
  maas_log "creating an app with @backstage/create-app@$version in $app"
  # The name would be asked for on the terminal; create-app reads it from BACKSTAGE_APP_NAME.
  BACKSTAGE_APP_NAME="$name" npx --yes "@backstage/create-app@$version" --path "$app" --skip-install </dev/null >&2 \
    || maas_die "npx @backstage/create-app@$version failed (see above)"
  node -e '
    const fs = require("fs");
    const [settings, app] = process.argv.slice(1);
    for (const pin of require(settings).pins) {
      const file = `${app}/${pin.workspace}/package.json`;
      const pkg = JSON.parse(fs.readFileSync(file, "utf8"));
      if (!pkg.dependencies?.[pin.package])
        throw new Error(`${file} has no dependency ${pin.package} to pin; remove the pin from ${settings}`);
      pkg.dependencies[pin.package] = pin.version;
      fs.writeFileSync(file, JSON.stringify(pkg, null, 2) + "\n");
    }' "$PWD/$settings" "$app"
  created=$SECONDS
  (cd "$app" && yarn install >&2) || maas_die "yarn install in the new app $app failed (see above)"
  maas_log "created the app in $((created - started)) s, installed it in $((SECONDS - created)) s"
  copied=$SECONDS
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  cp -a "$app" "$cache.partial/app"
  echo "$app" >"$cache.partial/complete"
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
  maas_log "cached it in $cache in $((SECONDS - copied)) s"
fi
