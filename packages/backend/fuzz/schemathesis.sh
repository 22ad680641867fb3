#!/usr/bin/env bash
# Runs schemathesis (pinned, from PyPI) in a virtualenv under $MAAS_CACHE_DIR, made on first use
# with Debian's python3 (python3-venv, installed by packages/harness/scripts/install-prerequisites.sh).
# Arguments go to `st`; the portal's own checks (fuzz/maas_checks.py) are loaded as hooks.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$here/../../../scripts/lib/toolchain.sh"
version=4.32.5
venv="$MAAS_CACHE_DIR/schemathesis-$version"
if [ ! -e "$venv/.installed" ]; then
  # A run interrupted half-way leaves no marker: start again from an empty venv.
  rm -rf "$venv"
  mkdir -p "$MAAS_CACHE_DIR"
  /usr/bin/python3 -m venv "$venv" >&2
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version" >&2
  touch "$venv/.installed"
fi
export PYTHONPATH="$here${PYTHONPATH:+:$PYTHONPATH}"
export SCHEMATHESIS_HOOKS=maas_checks
exec "$venv/bin/st" "$@"
