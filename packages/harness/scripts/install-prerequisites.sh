#!/usr/bin/env bash
# Installs, from Debian's packages, what the test harness (packages/harness) needs besides the
# servers built from Go modules (scripts/build-servers.sh, which needs Go 1.26+):
#   - prometheus (with promtool), postgresql: servers the harness runs itself, as unprivileged
#     children in temporary directories;
#   - chromium: for the browser tests;
#   - python3-venv: for the API fuzzer (schemathesis from PyPI, packages/backend/fuzz/schemathesis.sh).
# Idempotent: when everything is there it only checks (dpkg -s) and returns in well under a second.
# It never leaves the Debian services (postgresql, prometheus) running or enabled as daemons.
set -euo pipefail

log() { printf '\033[1;34m[harness]\033[0m %s\n' "$*" >&2; }
die() { printf '\033[1;31m[harness] error:\033[0m %s\n' "$*" >&2; exit 1; }

SERVER_PKGS=(prometheus postgresql python3-venv)
BROWSER_PKGS=(chromium)
# Services that Debian's packages may start and enable on install.
SERVICES=(postgresql prometheus prometheus-node-exporter)

missing_of() {
  local p out=()
  for p in "$@"; do
    dpkg -s "$p" >/dev/null 2>&1 || out+=("$p")
  done
  echo "${out[@]:-}"
}

read -r -a missing_server <<<"$(missing_of "${SERVER_PKGS[@]}")"
read -r -a missing_browser <<<"$(missing_of "${BROWSER_PKGS[@]}")"
if [ "${#missing_server[@]}" -eq 0 ] && [ "${#missing_browser[@]}" -eq 0 ]; then
  log "prerequisites present: ${SERVER_PKGS[*]} ${BROWSER_PKGS[*]}"
  exit 0
fi

[ "$(id -u)" -eq 0 ] || die "missing packages: ${missing_server[*]} ${missing_browser[*]}; run this script as root (or: sudo apt-get install ${missing_server[*]} ${missing_browser[*]})."

# Keep apt from starting services while it installs: a temporary policy-rc.d that denies starts,
# unless the machine already has one (containers usually do).
added_policy=""
if [ ! -e /usr/sbin/policy-rc.d ]; then
  printf '#!/bin/sh\n# temporary, added by packages/harness/scripts/install-prerequisites.sh\nexit 101\n' > /usr/sbin/policy-rc.d
  chmod +x /usr/sbin/policy-rc.d
  added_policy=1
fi
cleanup() { [ -z "$added_policy" ] || rm -f /usr/sbin/policy-rc.d; }
trap cleanup EXIT

export DEBIAN_FRONTEND=noninteractive
log "apt-get update"
apt-get update -qq || die "apt-get update failed: check the Debian mirror in /etc/apt/sources.list* and your network."
if [ "${#missing_server[@]}" -gt 0 ]; then
  log "installing ${missing_server[*]}"
  apt-get install -y -qq --no-install-recommends "${missing_server[@]}" \
    || die "apt-get install ${missing_server[*]} failed (see above); fix apt (dpkg --configure -a, apt-get -f install) and run this again."
fi
if [ "${#missing_browser[@]}" -gt 0 ]; then
  log "installing ${missing_browser[*]}"
  apt-get install -y -qq --no-install-recommends "${missing_browser[@]}" fonts-liberation \
    || die "apt-get install ${missing_browser[*]} failed (see above); fix apt and run this again."
fi

# Services: the harness runs its own instances; stop and disable whatever an install started.
for svc in "${SERVICES[@]}"; do
  if [ -d /run/systemd/system ] && command -v systemctl >/dev/null; then
    if systemctl list-unit-files "$svc.service" >/dev/null 2>&1 && systemctl cat "$svc.service" >/dev/null 2>&1; then
      systemctl disable --now "$svc.service" >/dev/null 2>&1 || log "warning: could not stop/disable $svc.service (systemctl disable --now $svc)"
    fi
  elif [ -x "/etc/init.d/$svc" ]; then
    "/etc/init.d/$svc" stop >/dev/null 2>&1 || true
    update-rc.d "$svc" disable >/dev/null 2>&1 || true
  fi
done

for bin in /usr/bin/prometheus /usr/bin/promtool /usr/lib/postgresql/15/bin/initdb /usr/lib/postgresql/15/bin/postgres; do
  [ -x "$bin" ] || die "$bin is missing after the install; check 'dpkg -L' of its package."
done
log "prerequisites installed"
