#!/usr/bin/env bash
# Make one local cluster look like a cluster that already runs Istio ("adopted"): Istio's CRDs (the release
# the validators pin), istio-system, the gateway's namespace, service account and Service, and a namespace for
# callers. For the ingress role the Service is a LoadBalancer with a hostname in its status, as an NLB gives it.
#   seed-adopted.sh KUBECONFIG ingress|egress
# Defaults follow IstioInstall's (istio-ingress/istio-ingressgateway, istio-egress/istio-egressgateway);
# override with GATEWAY_NAMESPACE, GATEWAY_NAME, GATEWAY_LABEL (value of the `istio` label), CALLER_NAMESPACE;
# GATEWAY_PODS=N adds N Ready-looking gateway pods on fake nodes and a PDB (see below).
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$TOOLS/env.sh"
KC="${1:?usage: seed-adopted.sh KUBECONFIG ingress|egress}"; ROLE="${2:?ingress or egress}"
k() { "$BIN/kubectl" --kubeconfig "$KC" "$@"; }
CRDS="$WORK/istio-crds-$ISTIO_RELEASE.yaml"
[[ -s "$CRDS" ]] || cp "$(gomod_dir "istio.io/api@v$ISTIO_RELEASE")/kubernetes/customresourcedefinitions.gen.yaml" "$CRDS"
k apply --server-side --force-conflicts -f "$CRDS" >/dev/null
# shellcheck disable=SC2046
k wait --for=condition=Established --timeout=120s $(k get crd -o name | grep 'istio\.io$') >/dev/null
case "$ROLE" in
  ingress) NS=${GATEWAY_NAMESPACE:-istio-ingress}; GW=${GATEWAY_NAME:-istio-ingressgateway}; L=${GATEWAY_LABEL:-ingressgateway}; T=LoadBalancer ;;
  egress)  NS=${GATEWAY_NAMESPACE:-istio-egress};  GW=${GATEWAY_NAME:-istio-egressgateway};  L=${GATEWAY_LABEL:-egressgateway};  T=ClusterIP ;;
  *) echo "role must be ingress or egress" >&2; exit 2 ;;
esac
for ns in istio-system "$NS" "${CALLER_NAMESPACE:-shop}"; do k create namespace "$ns" --dry-run=client -o yaml | k apply -f - >/dev/null; done
k -n "$NS" create serviceaccount "$GW" --dry-run=client -o yaml | k apply -f - >/dev/null
k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Service
metadata: {name: $GW, namespace: $NS, labels: {istio: $L, app: $GW}}
spec:
  type: $T
  selector: {istio: $L, app: $GW}
  ports: [{name: https, port: 443, targetPort: 8443}]
Y
if [[ $ROLE == ingress ]]; then
  k -n "$NS" patch service "$GW" --subresource=status --type=merge \
    -p '{"status":{"loadBalancer":{"ingress":[{"hostname":"k8s-istioing-istioing-0123456789-0123456789abcdef.elb.eu-west-1.amazonaws.com"}]}}}' >/dev/null
fi
# GATEWAY_PODS=N (default 0): N gateway pods that look Ready, each on its own fake Ready node (zone-1…N), and a PDB
# (minAvailable 1). No kubelet runs them: their status is written through the API, as a kubelet would report it.
PODS="${GATEWAY_PODS:-0}"
for i in $(seq 1 "$PODS"); do
  k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Node
metadata: {name: node-$i, labels: {topology.kubernetes.io/zone: zone-$i, kubernetes.io/hostname: node-$i}}
Y
  k patch node "node-$i" --subresource=status --type=merge -p "{\"status\":{\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\",\"reason\":\"KubeletReady\",\"message\":\"ready\"}]}}" >/dev/null
  k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Pod
metadata: {name: $GW-$i, namespace: $NS, labels: {istio: $L, app: $GW}}
spec: {nodeName: node-$i, serviceAccountName: $GW, containers: [{name: istio-proxy, image: docker.io/istio/proxyv2:$ISTIO_RELEASE}]}
Y
  k -n "$NS" patch pod "$GW-$i" --subresource=status --type=merge -p "{\"status\":{\"phase\":\"Running\",\"podIP\":\"10.0.0.$i\",\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"},{\"type\":\"ContainersReady\",\"status\":\"True\"}],\"containerStatuses\":[{\"name\":\"istio-proxy\",\"ready\":true,\"started\":true,\"restartCount\":0,\"image\":\"docker.io/istio/proxyv2:$ISTIO_RELEASE\",\"imageID\":\"\",\"state\":{\"running\":{}}}]}}" >/dev/null
done
if [[ "$PODS" -gt 0 ]]; then
  k apply -f - >/dev/null <<Y
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: $GW, namespace: $NS}
spec: {minAvailable: 1, selector: {matchLabels: {istio: $L, app: $GW}}}
Y
fi
echo "seeded $ROLE: $(k get crd -o name | grep -c 'istio\.io$') Istio CRDs, gateway $NS/$GW ($T), $PODS Ready pod(s)"
