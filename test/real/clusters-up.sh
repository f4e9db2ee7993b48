#!/usr/bin/env bash
# Start local Kubernetes control planes standing for the clusters of a link: "eks" and "gke", plus any extra names
# given (e.g. `clusters-up.sh aks onprem` for more consumer clusters), each an etcd + kube-apiserver
# (kube-up.sh) + kube-controller-manager (namespace deletion, garbage collection, Jobs, Deployments ->
# ReplicaSets -> Pods, HorizontalPodAutoscalers). No scheduler or kubelet: pods are created but never run
# (nodes-up.sh adds both).
# Prints, as its last lines: EKS_KUBECONFIG=<path>, GKE_KUBECONFIG=<path>, then <NAME>_KUBECONFIG=<path> for each
# extra name (upper-cased). Idempotent. Stop them all with clusters-down.sh (same extra names).
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$TOOLS/env.sh"
[[ -x "$BIN/kube-controller-manager" ]] || { echo "missing $BIN/kube-controller-manager: run test/real/build.sh kcm" >&2; exit 2; }
up() { # name offset (ports 23791+o, 23801+o, 16443+o; the validators use offset 0)
  local run="$REAL_HOME/run-$1" o="$2"
  REAL_RUN="$run" ETCD_CLIENT_PORT=$((23791+o)) ETCD_PEER_PORT=$((23801+o)) APISERVER_PORT=$((16443+o)) \
    "$TOOLS/kube-up.sh" >&2
  if ! pid_alive "$run/kcm.pid" "$BIN/kube-controller-manager"; then
    setsid "$BIN/kube-controller-manager" --kubeconfig "$run/kubeconfig" --authentication-kubeconfig "$run/kubeconfig" \
      --authorization-kubeconfig "$run/kubeconfig" --bind-address 127.0.0.1 --secure-port 0 --leader-elect=false \
      --controllers namespace,garbagecollector,serviceaccount,serviceaccount-token,job,deployment,replicaset,disruption,endpoint,endpointslice,horizontalpodautoscaling \
      --service-account-private-key-file "$run/pki/sa.key" --root-ca-file "$run/pki/ca.crt" \
      --use-service-account-credentials=false </dev/null >"$run/kcm.log" 2>&1 &
    echo $! > "$run/kcm.pid"
  fi
  echo "$run/kubeconfig"
}
for n in "$@"; do [[ "$n" =~ ^[a-z][a-z0-9]{0,15}$ && "$n" != eks && "$n" != gke ]] || { echo "extra cluster names: lowercase letters/digits, not eks/gke: $n" >&2; exit 2; }; done
eks=$(up eks 10 | tail -1); gke=$(up gke 11 | tail -1)
extra=(); o=12; for n in "$@"; do extra+=("$(echo "$n" | tr "[:lower:]" "[:upper:]")_KUBECONFIG=$(up "$n" $o | tail -1)"); o=$((o+1)); done
echo "EKS_KUBECONFIG=$eks"
echo "GKE_KUBECONFIG=$gke"
for e in "${extra[@]}"; do echo "$e"; done
