#!/usr/bin/env bash
# Builds the upstream servers of the test bed from their published Go modules and prints the
# directory that holds them (last line of stdout):
#   etcd, kube-apiserver, kube-controller-manager, kuadrant-operator, authorino, llm-d-inference-sim.
# `bash packages/harness/scripts/go-modules.sh <name> <version>` changes a version.
#
# Each server has a wrapper module in packages/harness/go/<name> (go.mod + go.sum, committed):
# the versions are pinned there and nowhere else. Binaries go to
# $MAAS_CACHE_DIR/servers/<name>-<hash of go.mod+go.sum>/, so a version change rebuilds and an
# unchanged one only checks. Go's own build and module caches make a rebuild warm.
#
# KUBEBUILDER_ASSETS (a directory with kube-apiserver and etcd, as envtest users have) overrides
# the kube-apiserver/etcd builds; kube-controller-manager is then taken from there if present.
#
# Needs Go >= 1.26 (the etcd module asks for it) and the Go module proxy. Cold on 2 cores: etcd ~2 min,
# kube-apiserver ~5 min, kube-controller-manager ~3 min more (see packages/harness/README.md).
set -euo pipefail

log() { printf '\033[1;34m[harness]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[harness] error:\033[0m %s\n' "$*" >&2; exit 1; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$(cd "$HERE/../go" && pwd)"
MAAS_CACHE_DIR="${MAAS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-backstage}"
OUT="$MAAS_CACHE_DIR/servers/bin"

# Debian bookworm's golang-go is 1.19: Go 1.26 comes from its official tarball, usually in /usr/local/go,
# which is used when the `go` on PATH is missing or older.
GO_HINT="install Go 1.26 or newer (Debian bookworm's golang-go is too old: use the official linux-amd64 tarball, unpacked into /usr/local/go) and run this again"
go_new_enough() { # <go binary>: its version is 1.26 or newer
  local v
  v="$("$1" env GOVERSION 2>/dev/null)" || return 1
  [ "$(printf '%s\n' go1.26 "${v%%[-+ ]*}" | sort -V | head -n1)" = go1.26 ]
}
if ! { command -v go >/dev/null && go_new_enough go; } && go_new_enough /usr/local/go/bin/go; then
  export PATH="/usr/local/go/bin:$PATH"
fi
command -v go >/dev/null || die "'go' not found: $GO_HINT."
go_new_enough go || die "$(command -v go) is $(go env GOVERSION 2>/dev/null || echo 'an unknown version'); the etcd module needs Go 1.26 or newer: $GO_HINT."
command -v flock >/dev/null || die "'flock' not found (Debian package util-linux)."

# The Kuadrant and llm-d modules are not in the public checksum database the proxy serves; the
# committed go.sum files pin their hashes instead.
export GONOSUMDB="${GONOSUMDB:+$GONOSUMDB,}github.com/kuadrant,github.com/llm-d"
export CGO_ENABLED=0
export GOFLAGS="${GOFLAGS:-} -trimpath"

mkdir -p "$OUT" "$MAAS_CACHE_DIR/servers"
exec 9>"$MAAS_CACHE_DIR/servers/.lock"
if ! flock -n 9; then
  log "another build of the test-bed servers is running; waiting for it"
  flock 9
fi

# build <module dir> <binary name> <package>
# One directory per module and hash; a module may give several binaries (kube), each built on its own.
build() {
  local dir="$MODULES/$1" name="$2" pkg="$3"
  local key target
  key="$(cat "$dir/go.mod" "$dir/go.sum" | sha256sum | cut -c1-12)"
  target="$MAAS_CACHE_DIR/servers/$1-$key"
  if [ ! -x "$target/$name" ]; then
    local started=$SECONDS
    mkdir -p "$target"
    log "building $name from $pkg (module packages/harness/go/$1; log: $target/$name.log)"
    if ! (cd "$dir" && go build -o "$target/$name.tmp" "$pkg") >"$target/$name.log" 2>&1; then
      tail -n 30 "$target/$name.log" >&2
      die "building $name failed (full log: $target/$name.log)"
    fi
    mv "$target/$name.tmp" "$target/$name"
    log "built $name in $((SECONDS - started)) s"
  fi
  ln -sfn "$target/$name" "$OUT/$name"
  # Builds of other versions of this module (Go's build cache makes going back a short relink).
  local old
  for old in "$MAAS_CACHE_DIR/servers/$1"-*; do
    [ "$old" = "$target" ] || rm -rf "$old"
  done
}

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ] \
    || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver or etcd; unset it to build them from Go modules."
  log "kube-apiserver and etcd from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  ln -sfn "$KUBEBUILDER_ASSETS/kube-apiserver" "$OUT/kube-apiserver"
  ln -sfn "$KUBEBUILDER_ASSETS/etcd" "$OUT/etcd"
  if [ -x "$KUBEBUILDER_ASSETS/kube-controller-manager" ]; then
    ln -sfn "$KUBEBUILDER_ASSETS/kube-controller-manager" "$OUT/kube-controller-manager"
  else
    build kube kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
  fi
else
  build etcd etcd go.etcd.io/etcd/server/v3
  build kube kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver
  build kube kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager
fi
build kuadrant-operator kuadrant-operator github.com/kuadrant/kuadrant-operator/cmd
build authorino authorino github.com/kuadrant/authorino
build inference-sim llm-d-inference-sim github.com/llm-d/llm-d-inference-sim/cmd/llm-d-inference-sim
echo "$OUT"
