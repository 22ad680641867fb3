#!/usr/bin/env bash
# Shows that the production bundle runs as deploy/Dockerfile would run it, without a container
# engine: builds it (`yarn build:backend`), unpacks it into a temporary /app as the Dockerfile does
# (skeleton, `yarn workspaces focus --all --production`, bundle, config), starts
# `node packages/backend --config app-config.yaml --config app-config.production.yaml` against the
# harness's PostgreSQL and API server (with the ServiceAccount of deploy/rbac.yaml, not the admin),
# and probes Backstage's health endpoints the Helm values use. Prints each step's time.
#
# Run inside the harness (it provides PostgreSQL and the API server):
#   node packages/harness/src/cli.ts run -- bash deploy/scripts/verify-bundle.sh
# SKIP_BUILD=1 reuses packages/backend/dist from an earlier build.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT="$PWD"
# shellcheck source=../../scripts/lib/toolchain.sh
source scripts/lib/toolchain.sh
maas_use_node
maas_use_yarn

: "${MAAS_HARNESS_POSTGRES_URL:?run inside the harness: node packages/harness/src/cli.ts run -- bash deploy/scripts/verify-bundle.sh}"
: "${MAAS_HARNESS_KUBECONFIG:?run inside the harness}"

started=$SECONDS
step() { printf '[verify-bundle] %4ds %s\n' "$((SECONDS - started))" "$*"; }

if [ -z "${SKIP_BUILD:-}" ]; then
  step "yarn build:backend (the backend bundle and the app it serves)"
  yarn build:backend >/tmp/verify-bundle-build.log 2>&1 || {
    tail -30 /tmp/verify-bundle-build.log
    exit 1
  }
fi
ls -l packages/backend/dist/skeleton.tar.gz packages/backend/dist/bundle.tar.gz

# The unpacked /app is kept between runs while yarn.lock and the skeleton stay the same: installing
# the production dependencies (native modules built from source) is the slow step, as in the image.
APP="$MAAS_CACHE_DIR/verify-bundle-app"
STAMP="$(cat yarn.lock packages/backend/dist/skeleton.tar.gz | sha256sum | cut -c1-16)"
BACKEND_PID=""
cleanup() {
  if [ -n "$BACKEND_PID" ]; then
    kill "$BACKEND_PID" 2>/dev/null || true
    wait "$BACKEND_PID" 2>/dev/null || true
  fi
}
trap cleanup EXIT

if [ "$(cat "$APP/.stamp" 2>/dev/null)" = "$STAMP" ]; then
  step "production dependencies of this yarn.lock already unpacked in $APP"
else
  step "unpack as deploy/Dockerfile does, into $APP"
  rm -rf "$APP" && mkdir -p "$APP"
  cp -r .yarn .yarnrc.yml backstage.json yarn.lock package.json "$APP/"
  tar xzf packages/backend/dist/skeleton.tar.gz -C "$APP"
  (cd "$APP" && NODE_ENV=production yarn workspaces focus --all --production >"$APP/focus.log" 2>&1) || {
    tail -30 "$APP/focus.log"
    exit 1
  }
  echo "$STAMP" >"$APP/.stamp"
  step "production dependencies installed: $(du -sh "$APP/node_modules" | cut -f1)"
fi
tar xzf packages/backend/dist/bundle.tar.gz -C "$APP"
cp app-config.yaml app-config.production.yaml catalog-info.yaml "$APP/"
# The organization's Users and Groups, mounted where app-config.production.yaml looks (./org.yaml).
cp examples/org.yaml "$APP/org.yaml"
rm -rf "$APP/templates" && cp -r templates "$APP/"

step "the portal's ServiceAccount from deploy/rbac.yaml (server-side apply, TokenRequest)"
KUBECONFIG="$MAAS_HARNESS_KUBECONFIG" node --disable-warning=MODULE_TYPELESS_PACKAGE_JSON \
  deploy/scripts/portalKubeconfig.ts "$APP/portal.kubeconfig"

# What the Helm values give the pod: PostgreSQL from a Secret, the pod's service account (here its
# kubeconfig), and a listen address. Here on 127.0.0.1 only, on a free port.
PORT="$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')"
PG="$MAAS_HARNESS_POSTGRES_URL"
# A static token for this script's own calls (people sign in through OIDC in a browser).
TOKEN="$(node -e 'console.log(require("crypto").randomBytes(24).toString("hex"))')"
cat >"$APP/app-config.verify.yaml" <<EOF
backend:
  listen: { host: 127.0.0.1, port: $PORT }
  auth:
    externalAccess:
      - type: static
        options: { token: $TOKEN, subject: verify-bundle }
EOF

step "start: node packages/backend --config app-config.yaml --config app-config.production.yaml"
(
  cd "$APP"
  export NODE_ENV=production NODE_OPTIONS=--no-node-snapshot
  export POSTGRES_HOST="$(node -e 'console.log(new URL(process.argv[1]).hostname)' "$PG")"
  export POSTGRES_PORT="$(node -e 'console.log(new URL(process.argv[1]).port)' "$PG")"
  export POSTGRES_USER="$(node -e 'console.log(new URL(process.argv[1]).username)' "$PG")"
  export POSTGRES_PASSWORD="$(node -e 'console.log(decodeURIComponent(new URL(process.argv[1]).password))' "$PG")"
  export APP_BASE_URL="http://127.0.0.1:$PORT" BACKEND_BASE_URL="http://127.0.0.1:$PORT"
  export KUBECONFIG="$APP/portal.kubeconfig"
  export MAAS_PROMETHEUS_URL="${MAAS_HARNESS_PROMETHEUS_URL:-}"
  # Production signs in through OIDC only and does not start without these: the harness's provider.
  export MAAS_OIDC_ISSUER="${MAAS_OIDC_ISSUER:?run inside the harness}" MAAS_OIDC_CLIENT_ID MAAS_OIDC_CLIENT_SECRET \
    MAAS_OIDC_MODELS_CLIENT_ID MAAS_AUTH_SESSION_SECRET
  exec node packages/backend --config app-config.yaml --config app-config.production.yaml \
    --config app-config.verify.yaml
) >"$APP/backend.log" 2>&1 &
BACKEND_PID=$!
boot=$SECONDS

probe() { curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$PORT$1" || true; }
until [ "$(probe /.backstage/health/v1/readiness)" = 200 ]; do
  if ! kill -0 "$BACKEND_PID" 2>/dev/null || grep -q 'Unhandled rejection\|Backend failed to start' "$APP/backend.log"; then
    tail -40 "$APP/backend.log"
    echo "[verify-bundle] the backend failed before it was ready" >&2
    exit 1
  fi
  if [ $((SECONDS - boot)) -gt 180 ]; then
    tail -40 "$APP/backend.log"
    echo "[verify-bundle] not ready after 180 s" >&2
    exit 1
  fi
  sleep 1
done
step "ready after $((SECONDS - boot)) s"
for path in /.backstage/health/v1/liveness /.backstage/health/v1/readiness / /api/maas/status; do
  printf '[verify-bundle] GET %-33s -> %s\n' "$path" "$(probe "$path")"
done
status="$(curl -s -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT/api/maas/status")"
printf '[verify-bundle] GET /api/maas/status (service token)  -> cluster %s\n' \
  "$(node -e 'const s=JSON.parse(process.argv[1]); console.log(s.cluster.state + ": " + s.cluster.message)' "$status")"
grep -o 'MaaS uses the cluster at [^"]*' "$APP/backend.log" | head -1 | sed 's/^/[verify-bundle] /'
grep -q 'Cache of .* may not' "$APP/backend.log" &&
  { grep 'may not' "$APP/backend.log" | head -3; echo "[verify-bundle] the ServiceAccount lacks a right" >&2; exit 1; }
[ "$(probe /.backstage/health/v1/liveness)" = 200 ] || exit 1
step "done: the bundle serves the app and the API with PostgreSQL and the portal's ServiceAccount"
