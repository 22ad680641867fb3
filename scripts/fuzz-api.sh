#!/usr/bin/env bash
# The API fuzzer with more cases than the test command runs and a new seed each time (both can be
# set): schemathesis over /api/maas's OpenAPI spec as a developer of team A, one of team B and an
# admin, against the real backend on the harness. Prints the generated cases per user.
#   MAAS_FUZZ_EXAMPLES=100 MAAS_FUZZ_SEED=42 ./scripts/fuzz-api.sh
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn
maas_install_deps "$PWD"
bash packages/harness/scripts/install-prerequisites.sh
bash packages/harness/scripts/build-servers.sh >/dev/null
export MAAS_FUZZ_EXAMPLES="${MAAS_FUZZ_EXAMPLES:-100}"
export MAAS_FUZZ_SEED="${MAAS_FUZZ_SEED:-$RANDOM$RANDOM}"
maas_log "fuzzing /api/maas: up to $MAAS_FUZZ_EXAMPLES cases per operation, seed $MAAS_FUZZ_SEED"
exec node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON packages/harness/src/cli.ts run -- \
  bash -c 'cd packages/backend && CI=1 yarn backstage-cli package test src/apiFuzz.cluster.test.ts'
