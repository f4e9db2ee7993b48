#!/usr/bin/env bash
# What the AWS Load Balancer Controller does for a Service of type LoadBalancer, for one local cluster: once
# a second, every such Service without an address gets an NLB-style hostname in its status
# (k8s-<namespace>-<name>-<hash>.elb.eu-west-1.amazonaws.com), so the kubernetes provider's await of the
# Service ends as it does on EKS. Nothing else is provisioned.
#   load-balancers.sh up NAME      idempotent       load-balancers.sh down NAME
set -euo pipefail
REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
BIN="$REAL_HOME/bin"
cmd="${1:-}"; NAME="${2:?usage: load-balancers.sh up|down NAME}"
RUN="$REAL_HOME/run-$NAME"; PID="$RUN/load-balancers.pid"
alive() { [[ -s "$PID" ]] && kill -0 "$(cat "$PID")" 2>/dev/null; }
case "$cmd" in
  down) if alive; then kill "$(cat "$PID")"; fi; rm -f "$PID"; exit 0 ;;
  up) ;;
  *) echo "usage: load-balancers.sh up|down NAME" >&2; exit 2 ;;
esac
[[ -s "$RUN/kubeconfig" ]] || { echo "no cluster $NAME: run clusters-up.sh first" >&2; exit 2; }
alive && exit 0
loop() {
  local k=("$BIN/kubectl" --kubeconfig "$RUN/kubeconfig")
  while true; do
    "${k[@]}" get services -A -o jsonpath='{range .items[?(@.spec.type=="LoadBalancer")]}{.metadata.namespace} {.metadata.name} {.metadata.uid} {.status.loadBalancer.ingress[0].hostname}{"\n"}{end}' 2>/dev/null |
      while read -r ns name uid host; do
        [[ -n "$uid" && -z "$host" ]] || continue
        host="k8s-${ns:0:8}-${name:0:8}-${uid//-/}"; host="${host:0:60}.elb.eu-west-1.amazonaws.com"
        "${k[@]}" -n "$ns" patch service "$name" --subresource=status --type=merge \
          -p "{\"status\":{\"loadBalancer\":{\"ingress\":[{\"hostname\":\"$host\"}]}}}" >/dev/null 2>&1 &&
          echo "$(date +%T) $ns/$name -> $host"
      done
    sleep 1
  done
}
loop </dev/null >"$RUN/load-balancers.log" 2>&1 &
echo $! > "$PID"
disown
