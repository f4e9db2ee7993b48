#!/usr/bin/env bash
# Give one local cluster (from clusters-up.sh) nodes and a scheduler, so pods are scheduled and look like they run:
# KWOK simulates N nodes (one zone each: zone-1…N) with node heartbeats and the pod lifecycle (Ready, Job pods
# Complete, deletion), and kube-scheduler (same Kubernetes version as the API server) places pods, honouring spread
# constraints, taints and resources. Nothing is executed inside a pod: there is no container runtime.
#   nodes-up.sh NAME [N]      NAME = eks | gke | an extra name given to clusters-up.sh; N nodes (default 3)
# JOB_PODS=fail (default complete): the containers of Job pods terminate with exit code 1 and, where their
# terminationMessagePolicy is FallbackToLogsOnError (the kubelet then reports the log's tail), the message
# $JOB_FAIL_MESSAGE standing for that tail (sidecars exit 0):
# a check Job whose calls fail. Running nodes-up.sh again with the other mode restarts KWOK with those stages.
# Needs `test/real/build.sh kwok scheduler`. Stopped by clusters-down.sh. Idempotent.
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$TOOLS/env.sh"
NAME="${1:?usage: nodes-up.sh NAME [N]}"; N="${2:-3}"; RUN="$REAL_HOME/run-$NAME"; KC="$RUN/kubeconfig"
for b in kwok kube-scheduler kubectl; do [[ -x "$BIN/$b" ]] || { echo "missing $BIN/$b: run test/real/build.sh kwok scheduler" >&2; exit 2; }; done
[[ -s "$KC" ]] || { echo "no cluster $NAME: run clusters-up.sh first" >&2; exit 2; }
k() { "$BIN/kubectl" --kubeconfig "$KC" "$@"; }
# KWOK's own "fast" stages (node initialise + lease heartbeat; pod ready, complete, delete), from its module source;
# with JOB_PODS=fail, a stage of ours that fails Job pods in place of pod-complete.
JOB_PODS="${JOB_PODS:-complete}"
[[ "$JOB_PODS" == complete || "$JOB_PODS" == fail ]] || { echo "JOB_PODS: complete or fail, not $JOB_PODS" >&2; exit 2; }
STAGES="$RUN/kwok-stages-$JOB_PODS.yaml"
M="$(gomod_dir "sigs.k8s.io/kwok@${KWOK_VER:-v0.8.0}")/kustomize/stage"
stages=(node/fast/node-initialize.yaml node/heartbeat-with-lease/node-heartbeat-with-lease.yaml pod/fast/pod-ready.yaml pod/fast/pod-delete.yaml)
[[ "$JOB_PODS" == complete ]] && stages+=(pod/fast/pod-complete.yaml)
{
  for f in "${stages[@]}"; do cat "$M/$f"; echo "---"; done
  if [[ "$JOB_PODS" == fail ]]; then
    msg="$(node -e 'process.stdout.write(JSON.stringify(process.argv[1]))' "${JOB_FAIL_MESSAGE:-FAIL: the check failed}")"
    cat <<STAGE
apiVersion: kwok.x-k8s.io/v1alpha1
kind: Stage
metadata:
  name: pod-fail
spec:
  resourceRef:
    apiGroup: v1
    kind: Pod
  selector:
    matchExpressions:
    - key: '.metadata.deletionTimestamp'
      operator: 'DoesNotExist'
    - key: '.status.phase'
      operator: 'In'
      values: ['Running']
    - key: '.metadata.ownerReferences.[].kind'
      operator: 'In'
      values: ['Job']
  next:
    statusTemplate: |
      {{ \$now := Now }}
      containerStatuses:
      {{ range \$index, \$item := .spec.containers }}
      - image: {{ \$item.image | Quote }}
        name: {{ \$item.name | Quote }}
        ready: false
        restartCount: 0
        started: false
        state:
          terminated:
            finishedAt: {{ \$now | Quote }}
            startedAt: {{ \$now | Quote }}
            {{ if eq \$item.name "istio-proxy" }}exitCode: 0
            reason: Completed{{ else }}exitCode: 1
            reason: Error{{ if eq \$item.terminationMessagePolicy "FallbackToLogsOnError" }}
            message: $msg{{ end }}{{ end }}
      {{ end }}
      conditions:
      - {type: Initialized, status: "True", lastTransitionTime: {{ \$now | Quote }}}
      - {type: Ready, status: "False", reason: PodFailed, lastTransitionTime: {{ \$now | Quote }}}
      - {type: ContainersReady, status: "False", reason: PodFailed, lastTransitionTime: {{ \$now | Quote }}}
      - {type: PodScheduled, status: "True", lastTransitionTime: {{ \$now | Quote }}}
      phase: Failed
---
STAGE
  fi
} > "$STAGES"
for i in $(seq 1 "$N"); do
  k apply -f - >/dev/null <<Y
apiVersion: v1
kind: Node
metadata:
  name: $NAME-node-$i
  annotations: {kwok.x-k8s.io/node: fake, node.alpha.kubernetes.io/ttl: "0"}
  labels: {type: kwok, kubernetes.io/hostname: $NAME-node-$i, kubernetes.io/os: linux, kubernetes.io/arch: amd64, topology.kubernetes.io/zone: zone-$i}
spec: {}
Y
done
# Another stage set than the running KWOK's: restart it (nodes and pods stay; KWOK picks them up again).
if pid_alive "$RUN/kwok.pid" "$BIN/kwok" && [[ "$(cat "$RUN/kwok.stages" 2>/dev/null)" != "$STAGES" ]]; then
  kill "$(cat "$RUN/kwok.pid")"; sleep 1
fi
if ! pid_alive "$RUN/kwok.pid" "$BIN/kwok"; then
  echo "$STAGES" > "$RUN/kwok.stages"
  setsid "$BIN/kwok" --kubeconfig "$KC" --config "$STAGES" --manage-nodes-with-annotation-selector=kwok.x-k8s.io/node=fake \
    --node-ip 10.2.0.1 --node-lease-duration-seconds 40 --cidr 10.244.0.0/16 </dev/null >"$RUN/kwok.log" 2>&1 &
  echo $! > "$RUN/kwok.pid"
fi
if ! pid_alive "$RUN/scheduler.pid" "$BIN/kube-scheduler"; then
  setsid "$BIN/kube-scheduler" --kubeconfig "$KC" --leader-elect=false --bind-address 127.0.0.1 --secure-port 0 \
    </dev/null >"$RUN/scheduler.log" 2>&1 &
  echo $! > "$RUN/scheduler.pid"
fi
# The API server taints a new node not-ready; the node lifecycle controller (not run here: it would also evict the
# pods of nodes nobody heartbeats) lifts it once the node is Ready. Do that step once KWOK reports Ready.
for i in $(seq 1 "$N"); do
  k wait --for=condition=Ready "node/$NAME-node-$i" --timeout=60s >/dev/null
  k taint nodes "$NAME-node-$i" node.kubernetes.io/not-ready:NoSchedule- >/dev/null 2>&1 || true
done
echo "$NAME: $N KWOK nodes Ready (zones zone-1…zone-$N), kube-scheduler running"
