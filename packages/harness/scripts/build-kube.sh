#!/usr/bin/env bash
# Provides kube-apiserver and kube-controller-manager for the test harness and prints the
# directory holding them (last line of stdout).
#
# 1. If KUBEBUILDER_ASSETS is set and holds kube-apiserver and etcd, that directory is used.
# 2. Otherwise both are built from Debian's `kubernetes` source package (1.20.2, vendored, builds
#    offline) into $MAAS_CACHE_DIR/kube-<debian version>/bin, once; later runs only check.
#    The Go build cache lives in $MAAS_CACHE_DIR/go-build-cache so a rebuild is warm (~3 min
#    instead of ~12 min on 2 cores).
# Needs: bash packages/harness/scripts/install-prerequisites.sh (golang-go, dpkg-dev, deb-src, ...).
set -euo pipefail

log() { printf '\033[1;34m[harness]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[harness] error:\033[0m %s\n' "$*" >&2; exit 1; }

if [ -n "${KUBEBUILDER_ASSETS:-}" ]; then
  if [ -x "$KUBEBUILDER_ASSETS/kube-apiserver" ] && [ -x "$KUBEBUILDER_ASSETS/etcd" ]; then
    log "using KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS"
    echo "$KUBEBUILDER_ASSETS"
    exit 0
  fi
  log "KUBEBUILDER_ASSETS=$KUBEBUILDER_ASSETS lacks kube-apiserver or etcd; building from Debian's source instead"
fi

MAAS_CACHE_DIR="${MAAS_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/maas-backstage}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
INSTALL_HINT="bash packages/harness/scripts/install-prerequisites.sh"

for tool in go dpkg-source apt-get apt-cache make rsync flock; do
  command -v "$tool" >/dev/null || die "'$tool' not found; run: $INSTALL_HINT"
done
REFLECT2=/usr/share/gocode/src/github.com/modern-go/reflect2
[ -d "$REFLECT2" ] || die "$REFLECT2 not found (package golang-github-modern-go-reflect2-dev); run: $INSTALL_HINT"

version="${MAAS_KUBE_DEBIAN_VERSION:-$(apt-cache showsrc kubernetes 2>/dev/null | awk '/^Version:/{print $2}' | sort -V | tail -n1)}"
[ -n "$version" ] || die "apt knows no source package 'kubernetes': deb-src is not enabled or 'apt-get update' was not run; run: $INSTALL_HINT (then apt-get update)"

root="$MAAS_CACHE_DIR/kube-$version"
bin="$root/bin"
have() { [ -x "$bin/kube-apiserver" ] && [ -x "$bin/kube-controller-manager" ]; }
if have; then
  log "kube binaries present in $bin"
  echo "$bin"
  exit 0
fi

mkdir -p "$root" "$MAAS_CACHE_DIR/go-build-cache"
exec 9>"$root/.lock"
if ! flock -n 9; then
  log "another build of kube $version is running; waiting for it"
  flock 9
fi
if have; then echo "$bin"; exit 0; fi

start=$(date +%s)
work="$root/build"
rm -rf "$work"
mkdir -p "$work"
cd "$work"
log "downloading Debian source package kubernetes=$version"
apt-get source --download-only "kubernetes=$version" >/dev/null 2>"$work/apt-source.log" \
  || { cat "$work/apt-source.log" >&2; die "apt-get source kubernetes=$version failed; is deb-src enabled and 'apt-get update' done? ($INSTALL_HINT)"; }
dpkg-source -x --skip-patches kubernetes_*.dsc src >/dev/null 2>"$work/dpkg-source.log" \
  || { cat "$work/dpkg-source.log" >&2; die "dpkg-source -x failed"; }
cd src

# reflect2 v1.0.1 (vendored) segfaults under Go >= 1.18 on the first custom-resource request.
rm -rf vendor/github.com/modern-go/reflect2
cp -r "$REFLECT2" vendor/github.com/modern-go/reflect2
rm -f vendor/github.com/modern-go/reflect2/go.mod

# GOPATH mode, as debian/rules does.
mkdir -p .go/src/k8s.io
[ -L .go/src/k8s.io/kubernetes ] || ln -s ../../.. .go/src/k8s.io/kubernetes
# hack/lib/golang.sh forces GOCACHE=_output/local/go/cache: point that at the persistent cache.
mkdir -p _output/local/go
ln -sfn "$MAAS_CACHE_DIR/go-build-cache" _output/local/go/cache

log "building kube-apiserver and kube-controller-manager ($(go version | awk '{print $3}'), log: $work/make.log); ~12 min cold on 2 cores, ~3 min warm"
if ! env GOPATH="$PWD/.go" CGO_ENABLED=0 make WHAT="cmd/kube-apiserver cmd/kube-controller-manager" >"$work/make.log" 2>&1; then
  tail -n 40 "$work/make.log" >&2
  die "building kube from Debian's source failed (full log: $work/make.log)"
fi
mkdir -p "$bin.tmp"
cp _output/bin/kube-apiserver _output/bin/kube-controller-manager "$bin.tmp/"
rm -rf "$bin"
mv "$bin.tmp" "$bin"
cd "$root"
rm -rf "$work"
log "built in $(( $(date +%s) - start )) s: $bin"
"$bin/kube-apiserver" --version >&2 || true
echo "$bin"
