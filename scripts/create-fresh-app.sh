#!/usr/bin/env bash
# A Backstage app fresh from @backstage/create-app, installed, as a platform team starts one:
#   scripts/create-fresh-app.sh <dir>
# makes the app in <dir>. The version of create-app, the app's name and the pins of packages whose
# newest versions break the new app (each says why) are in packages/e2e/freshApp.json, the one
# place they are set. Packages are added, built and started by
# packages/e2e/src/freshApp.exclusive.test.ts, every run.
#
# Creating and installing takes minutes, so the installed app is kept, keyed by that file:
# - in <dir> itself, committed to the app's own git repository (create-app makes one): a warm run
#   puts back its files (git reset, git clean but node_modules) and `yarn install` puts back its
#   node_modules (removing what a run added), in seconds;
# - and in $MAAS_CACHE_DIR/fresh-app/, copied to <dir> when <dir> is gone.
# Give the same <dir> each time: Yarn rebuilds every native package of an app it finds moved,
# which takes as long as the install, so the cached app is only used at the path it was made at.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn
# The app's own Yarn (its .yarnrc.yml yarnPath), as its users run it: not the monorepo's pinned one.
unset YARN_IGNORE_PATH
# The first install writes the new app's lockfile, also where CI is set (which makes Yarn refuse).
export YARN_ENABLE_IMMUTABLE_INSTALLS=false

[ $# -eq 1 ] || maas_die "usage: scripts/create-fresh-app.sh <dir>"
settings="packages/e2e/freshApp.json"
version="$(node -p "require('./$settings').createAppVersion")"
name="$(node -p "require('./$settings').appName")"
key="create-app-$version-$(sha256sum "$settings" | cut -c1-12)"
cache="$MAAS_CACHE_DIR/fresh-app/$key"
mkdir -p "$(dirname "$1")"
app="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
# Which app <dir> holds, beside it (the app's files are put back to their commit).
made="$app.made-by"
app_git() { git -C "$app" -c user.name=create-fresh-app -c user.email=create-fresh-app@localhost "$@"; }
# The installed app as the commit a warm run goes back to (create-app commits its files only if git
# is configured, and before the install).
commit_installed() {
  app_git rev-parse -q --verify HEAD >/dev/null 2>&1 || app_git init -q
  if [ "$(app_git log -1 --format=%s 2>/dev/null)" != "Installed by scripts/create-fresh-app.sh" ]; then
    app_git add -A
    app_git commit -q --allow-empty -m "Installed by scripts/create-fresh-app.sh"
  fi
}

started=$SECONDS
if [ -f "$made" ] && [ "$(cat "$made")" = "$key" ] && app_git rev-parse -q --verify HEAD >/dev/null; then
  app_git reset -q --hard
  app_git clean -q -fdx -e node_modules -e .yarn/install-state.gz
  (cd "$app" && yarn install >&2) || maas_die "yarn install in $app failed (see above)"
  maas_log "put back the app of @backstage/create-app@$version in $app in $((SECONDS - started)) s"
elif [ -f "$cache/complete" ] && [ "$(cat "$cache/complete")" = "$app" ]; then
  rm -rf "$app" "$made"
  cp -a "$cache/app" "$app"
  commit_installed
  echo "$key" >"$made"
  maas_log "copied the app of @backstage/create-app@$version from $cache in $((SECONDS - started)) s"
else
  rm -rf "$app" "$made"
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
  commit_installed
  maas_log "created the app in $((created - started)) s, installed it in $((SECONDS - created)) s"
  copied=$SECONDS
  rm -rf "$cache.partial"
  mkdir -p "$cache.partial"
  cp -a "$app" "$cache.partial/app"
  echo "$app" >"$cache.partial/complete"
  rm -rf "$cache"
  mv "$cache.partial" "$cache"
  echo "$key" >"$made"
  maas_log "cached it in $cache in $((SECONDS - copied)) s"
fi
