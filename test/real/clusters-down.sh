#!/usr/bin/env bash
# Stop what clusters-up.sh started (kube-controller-manager, kube-apiserver, etcd of "eks", "gke" and the extra names given).
set -uo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$TOOLS/env.sh"
for n in eks gke "$@"; do
  run="$REAL_HOME/run-$n"
  pid_alive "$run/kcm.pid" "$BIN/kube-controller-manager" && kill "$(cat "$run/kcm.pid")" && echo "kcm $n stopped"
  pid_alive "$run/kwok.pid" "$BIN/kwok" && kill "$(cat "$run/kwok.pid")" && echo "kwok $n stopped"
  pid_alive "$run/scheduler.pid" "$BIN/kube-scheduler" && kill "$(cat "$run/scheduler.pid")" && echo "scheduler $n stopped"
  REAL_RUN="$run" "$TOOLS/kube-down.sh"
done
