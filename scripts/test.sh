#!/usr/bin/env bash
# Installs everything and runs all the suite's tests against real servers: etcd + kube-apiserver
# built from their Go modules, with the real CRDs, Prometheus with Kuadrant-shaped data, PostgreSQL
# (packages/harness).
# The last line is "Tests: N passed, M failed"; the exit code is non-zero when any failed or none ran.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh

# Whatever fails before the test runner prints its closing line still ends with one.
summary="$(mktemp)"
trap 'status=$?; [ -s "$summary" ] || echo "Tests: 0 passed, 1 failed"; rm -f "$summary"; exit $status' EXIT
export MAAS_TESTS_SUMMARY_FILE="$summary"

started=$SECONDS
maas_use_node
maas_use_yarn
maas_install_deps "$PWD"
bash packages/harness/scripts/install-prerequisites.sh
bash packages/harness/scripts/build-servers.sh >/dev/null
maas_log "toolchain and servers ready in $((SECONDS - started)) s"
node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON packages/harness/src/cli.ts run -- node scripts/lib/run-tests.mts "$@"
