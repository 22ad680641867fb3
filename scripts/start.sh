#!/usr/bin/env bash
# Installs everything the portal needs and starts it at http://localhost:3000:
# SQLite, guest sign-in, and the cluster from your kubeconfig ($KUBECONFIG or ~/.kube/config) if
# there is one. Without a cluster the portal still starts and says so on every model page.
# Prometheus: set MAAS_PROMETHEUS_URL (the harness's `up` prints it).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
source scripts/lib/toolchain.sh

maas_use_node
maas_use_yarn
maas_install_deps "$PWD"

# One guest, the portal's administrator (app-config.guest.yaml): a single-user laptop only.
configs=(--config "$PWD/app-config.yaml" --config "$PWD/app-config.guest.yaml")
[ -f app-config.local.yaml ] && configs+=(--config "$PWD/app-config.local.yaml")
mkdir -p "$MAAS_CACHE_DIR"
kubernetes_config="$(node scripts/lib/kubernetes-app-config.mts "$MAAS_CACHE_DIR/app-config.kubernetes.json")"
[ -n "$kubernetes_config" ] && configs+=(--config "$kubernetes_config")

maas_log "starting the portal: app at http://localhost:3000, backend at http://localhost:7007 (Ctrl-C stops both)"
exec yarn start "${configs[@]}" "$@"
