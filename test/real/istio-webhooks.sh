#!/usr/bin/env bash
# Serve one cluster's Istio admission webhooks, for every revision installed there, from outside the cluster
# (istio-webhooks.go: Istio's own injector and validator), as an external control plane does, on
# https://localhost:PORT.
#   istio-webhooks.sh up NAME PORT     NAME = a cluster of clusters-up.sh; idempotent
#   istio-webhooks.sh down NAME
# `up` prints, as its last line, WEBHOOK_URL=https://localhost:PORT; point a revision's istiod chart at it:
# istiodRemote.injectionURL=$WEBHOOK_URL/<revision>/inject, base.validationURL=$WEBHOOK_URL/<revision>/validate,
# with local-ca.sh's CA (base64) as injectionCABundle / validationCABundle.
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
BIN="$REAL_HOME/bin"
cmd="${1:-}"; NAME="${2:?usage: istio-webhooks.sh up NAME PORT | down NAME}"
RUN="$REAL_HOME/run-$NAME"; PID="$RUN/istio-webhooks.pid"
alive() { [[ -s "$1" ]] && kill -0 "$(cat "$1")" 2>/dev/null; }
case "$cmd" in
  down)
    if alive "$PID"; then kill "$(cat "$PID")"; fi
    rm -f "$PID"; exit 0 ;;
  up) ;;
  *) echo "usage: istio-webhooks.sh up NAME PORT | down NAME" >&2; exit 2 ;;
esac
PORT="${3:?usage: istio-webhooks.sh up NAME PORT}"
[[ -x "$BIN/istio-webhooks" ]] || { echo "missing $BIN/istio-webhooks: run test/real/build.sh istio-webhooks" >&2; exit 2; }
[[ -s "$RUN/kubeconfig" ]] || { echo "no cluster $NAME: run clusters-up.sh first" >&2; exit 2; }
eval "$("$TOOLS/local-ca.sh" | sed 's/^/export /')"
if ! alive "$PID"; then
  if curl -s -o /dev/null --max-time 2 -k "https://localhost:$PORT/"; then
    echo "port $PORT already answers (another istio-webhooks left running?): stop it first" >&2; exit 1
  fi
  # Native sidecars off: the injector would otherwise watch Nodes through istiod's multicluster controller.
  ENABLE_NATIVE_SIDECARS=false setsid "$BIN/istio-webhooks" --kubeconfig "$RUN/kubeconfig" \
    --listen "127.0.0.1:$PORT" --cert "$LOCAL_CERT" --key "$LOCAL_KEY" </dev/null >"$RUN/istio-webhooks.log" 2>&1 &
  echo $! > "$PID"
fi
for _ in $(seq 1 50); do
  code="$(curl -s -o /dev/null -w '%{http_code}' --cacert "$LOCAL_CA" "https://localhost:$PORT/ready" || true)"
  [[ "$code" == 200 ]] && break
  sleep 0.2
done
# Ready, and answered by this process (not by another left on the port).
[[ "$code" == 200 ]] && alive "$PID" || { echo "istio-webhooks did not start: $(tail -5 "$RUN/istio-webhooks.log")" >&2; exit 1; }
echo "WEBHOOK_URL=https://localhost:$PORT"
