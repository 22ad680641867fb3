#!/usr/bin/env bash
# Installs everything the portal needs and starts it at http://localhost:3000:
# SQLite, guest sign-in, and the cluster from your kubeconfig ($KUBECONFIG or ~/.kube/config) if
# there is one. Without a cluster the portal still starts and says so on every model page.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh

maas_use_node
maas_use_yarn
maas_install_deps "$PWD"
maas_log "starting the portal: app at http://localhost:3000, backend at http://localhost:7007 (Ctrl-C stops both)"
exec yarn start "$@"
