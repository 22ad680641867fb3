#!/usr/bin/env bash
# Builds the servers of the test bed and prints the directory that holds them (last line of stdout):
#   from their published Go modules: etcd, kube-apiserver, kube-controller-manager, kuadrant-operator,
#   authorino, llm-d-inference-sim; from our own sources: maas-limitador-server (Rust, on the published
#   `limitador` crate) and maas-gateway (our Go module packages/harness/go/gateway).
# `bash packages/harness/scripts/go-modules.sh <name> <version>` changes a version.
#
# Each upstream server has a wrapper module in packages/harness/go/<name> (go.mod + go.sum, committed):
# the versions are pinned there and nowhere else. Binaries go to
# $MAAS_CACHE_DIR/servers/<name>-<hash>/ (the hash covers go.mod, go.sum and the version stamp), so a
# version change rebuilds and an unchanged one only checks. Go's own build and module caches make a
# rebuild warm. Each binary is stamped with its release's version, as upstream release builds do
# (`kube-apiserver --version`, `/version`, `authorino version`).
#
# KUBEBUILDER_ASSETS (a directory with kube-apiserver and etcd, as envtest users have) overrides
# the kube-apiserver/etcd builds; kube-controller-manager is then taken from there if present.
#
# Needs Go >= 1.26 (the etcd module asks for it) and the Go module proxy, and Rust's cargo with the crates
# registry. Cold on 2 cores: etcd ~2 min, kube-apiserver ~5 min, kube-controller-manager ~3 min more,
# maas-limitador-server ~4 min (see packages/harness/README.md).
set -euo pipefail

log() { printf '\033[1;34m[harness]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[harness] error:\033[0m %s\n' "$*" >&2; exit 1; }

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
MODULES="$(cd "$HERE/../go" && pwd)"
CRATES="$(cd "$HERE/../rust" && pwd)"
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
# Rust's toolchain is usually in ~/.cargo/bin, which a non-login shell (the harness's) may not have on PATH.
if ! command -v cargo >/dev/null && [ -x "${CARGO_HOME:-$HOME/.cargo}/bin/cargo" ]; then
  export PATH="${CARGO_HOME:-$HOME/.cargo}/bin:$PATH"
fi
command -v cargo >/dev/null || die "'cargo' not found: maas-limitador-server is built with Rust. Install Rust 1.89 or newer with rustup (https://rustup.rs; it puts cargo in ~/.cargo/bin) and run this again."
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

# install_build <cache dir name> <key> <binary name> <what is built> <build command...>
# Builds into $MAAS_CACHE_DIR/servers/<cache dir name>-<key>/ unless that binary is there, links it from
# $OUT, and removes the builds of other keys (the compilers' own caches make going back a short rebuild).
# The build command runs with $target set and must write "$target/$name.tmp".
install_build() {
  local dir_name="$1" key="$2" name="$3" what="$4"
  shift 4
  target="$MAAS_CACHE_DIR/servers/$dir_name-$key"
  if [ ! -x "$target/$name" ]; then
    local started=$SECONDS
    mkdir -p "$target"
    log "building $name from $what; log: $target/$name.log"
    if ! "$@" >"$target/$name.log" 2>&1; then
      tail -n 30 "$target/$name.log" >&2
      die "building $name failed (full log: $target/$name.log)"
    fi
    mv "$target/$name.tmp" "$target/$name"
    log "built $name in $((SECONDS - started)) s"
  fi
  ln -sfn "$target/$name" "$OUT/$name"
  local old
  for old in "$MAAS_CACHE_DIR/servers/$dir_name"-*; do
    [ "$old" = "$target" ] || rm -rf "$old"
  done
}

# build <module dir> <binary name> <package> [<-ldflags value>]
# One directory per module and key; a module may give several binaries (kube), each built on its own
# (they share the key: same go.mod, go.sum and stamp).
build() {
  local dir="$MODULES/$1" name="$2" pkg="$3" ldflags="${4:-}"
  local key
  # Without a stamp the key is the one of go.mod + go.sum alone, as before stamps existed.
  key="$( (cat "$dir/go.mod" "$dir/go.sum"; [ -z "$ldflags" ] || printf 'ldflags %s\n' "$ldflags") | sha256sum | cut -c1-12)"
  install_build "$1" "$key" "$name" "$pkg (module packages/harness/go/$1)" \
    go_build "$dir" "$name" "$ldflags" "$pkg"
}
go_build() { # <module dir> <binary name> <ldflags> <package>
  (cd "$1" && go build -ldflags "$3" -o "$target/$2.tmp" "$4")
}

# The version a wrapper module pins for <module path>, from its go.mod.
required_version() { # <module dir> <module path>
  local version
  version="$(awk -v m="$2" '$1 == "require" { $1 = ""; $0 = $0 } $1 == m && $2 ~ /^v/ { print $2; exit }' "$MODULES/$1/go.mod")"
  [ -n "$version" ] || die "packages/harness/go/$1/go.mod does not require $2; run go-modules.sh again"
  printf '%s\n' "$version"
}

# "<commit> <time>" of a module version, as the module proxy recorded them (its .info file: `Origin.Hash`,
# the tag's commit, when the proxy gives one; `Time`, the tag's commit time). Read from the module cache,
# downloaded once when missing. The time stands in for the build date, as SOURCE_DATE_EPOCH does in
# upstream's reproducible builds, so the stamp (and with it the cache key) is the same on every run.
release_info() { # <module dir> <module path> <version>
  local info
  info="$(go env GOMODCACHE)/cache/download/$2/@v/$3.info"
  if [ ! -f "$info" ]; then
    (cd "$MODULES/$1" && go mod download "$2@$3") >&2 || die "cannot download $2@$3 from the Go module proxy"
  fi
  local commit time
  commit="$(sed -n 's/.*"Hash":"\([0-9a-f]*\)".*/\1/p' "$info")"
  time="$(sed -n 's/.*"Time":"\([^"]*\)".*/\1/p' "$info")"
  printf '%s %s\n' "${commit:-unknown}" "${time:-unknown}"
}

# The -ldflags Kubernetes' hack/lib/version.sh gives a release build, for both version packages
# (component-base: what a binary and /version report; client-go: its user agent).
kube_ldflags() {
  local version commit time major minor flags="" pkg
  version="$(required_version kube k8s.io/kubernetes)"
  read -r commit time < <(release_info kube k8s.io/kubernetes "$version")
  major="${version#v}" && major="${major%%.*}"
  minor="${version#v*.}" && minor="${minor%%.*}"
  for pkg in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    flags+=" -X $pkg.gitVersion=$version -X $pkg.gitMajor=$major -X $pkg.gitMinor=$minor"
    flags+=" -X $pkg.gitTreeState=clean -X $pkg.buildDate=$time"
    [ "$commit" = unknown ] || flags+=" -X $pkg.gitCommit=$commit"
  done
  printf '%s\n' "${flags# }"
}

# etcd's Version is a constant of its api module, already right; only the Git SHA is stamped (by its
# ./build script), and only when the proxy knows the commit.
etcd_ldflags() {
  local version commit time
  version="$(required_version etcd go.etcd.io/etcd/server/v3)"
  read -r commit time < <(release_info etcd go.etcd.io/etcd/server/v3 "$version")
  [ "$commit" = unknown ] || printf -- '-X go.etcd.io/etcd/api/v3/version.GitSHA=%s\n' "${commit:0:9}"
}

# kuadrant-operator's and Authorino's Makefiles and Dockerfiles stamp main.version, main.gitSHA, main.dirty.
kuadrant_main_ldflags() { # <module dir> <module path>
  local version commit time
  version="$(required_version "$1" "$2")"
  read -r commit time < <(release_info "$1" "$2" "$version")
  printf -- '-X main.version=%s -X main.gitSHA=%s -X main.dirty=false\n' "$version" "$commit"
}

# build_crate <crate dir under packages/harness/rust> <binary name>
# Keyed by Cargo.toml, Cargo.lock and every file under src/, so a source change rebuilds; all crates share
# one cargo target dir, so that rebuild is incremental.
build_crate() {
  local dir="$CRATES/$1" name="$2"
  local key
  key="$(cd "$dir" && find Cargo.toml Cargo.lock src -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
  install_build "$1" "$key" "$name" "the crate packages/harness/rust/$1" cargo_build "$dir" "$name"
}
cargo_build() { # <crate dir> <binary name>
  CARGO_TARGET_DIR="$MAAS_CACHE_DIR/cargo-target" cargo build --release --locked --manifest-path "$1/Cargo.toml" \
    && cp "$MAAS_CACHE_DIR/cargo-target/release/$2" "$target/$2.tmp"
}

# build_own_go <module dir> <binary name>: our own Go module, `package main` at its root. Keyed by go.mod,
# go.sum and every .go file in it (in subpackages too), so a source change rebuilds.
build_own_go() {
  local dir="$MODULES/$1" name="$2"
  local key
  key="$(cd "$dir" && find . -type f \( -name go.mod -o -name go.sum -o -name '*.go' \) -print0 | LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-12)"
  install_build "$1" "$key" "$name" "our module packages/harness/go/$1" go_build "$dir" "$name" "" .
}

# The stamps, computed first: `set -e` does not see a failure inside a $(...) that is an argument.
# (llm-d-inference-sim's Makefile stamps nothing: it has no version variable.)
KUBE_LDFLAGS="$(kube_ldflags)"
ETCD_LDFLAGS="$(etcd_ldflags)"
KUADRANT_LDFLAGS="$(kuadrant_main_ldflags kuadrant-operator github.com/kuadrant/kuadrant-operator)"
AUTHORINO_LDFLAGS="$(kuadrant_main_ldflags authorino github.com/kuadrant/authorino)"

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ] \
    || die "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver or etcd; unset it to build them from Go modules."
  log "kube-apiserver and etcd from KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
  ln -sfn "$KUBEBUILDER_ASSETS/kube-apiserver" "$OUT/kube-apiserver"
  ln -sfn "$KUBEBUILDER_ASSETS/etcd" "$OUT/etcd"
  if [ -x "$KUBEBUILDER_ASSETS/kube-controller-manager" ]; then
    ln -sfn "$KUBEBUILDER_ASSETS/kube-controller-manager" "$OUT/kube-controller-manager"
  else
    build kube kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$KUBE_LDFLAGS"
  fi
else
  build etcd etcd go.etcd.io/etcd/server/v3 "$ETCD_LDFLAGS"
  build kube kube-apiserver k8s.io/kubernetes/cmd/kube-apiserver "$KUBE_LDFLAGS"
  build kube kube-controller-manager k8s.io/kubernetes/cmd/kube-controller-manager "$KUBE_LDFLAGS"
fi
build kuadrant-operator kuadrant-operator github.com/kuadrant/kuadrant-operator/cmd "$KUADRANT_LDFLAGS"
build authorino authorino github.com/kuadrant/authorino "$AUTHORINO_LDFLAGS"
build inference-sim llm-d-inference-sim github.com/llm-d/llm-d-inference-sim/cmd/llm-d-inference-sim

build_own_go gateway maas-gateway

build_crate limitador-server maas-limitador-server
echo "$OUT"
