#!/usr/bin/env bash
# Check a crossmesh plan against a real kube-apiserver ($KVER) with Istio's CRDs ($ISTIO_RELEASE).
#
#   kube-check.sh [--negative] PLANDIR [OUTDIR]
#
# PLANDIR holds eks.yaml and gke.yaml (the objects crossmesh creates, from `npm run plan`).
# Uses the server of kube-up.sh; if none is running it starts one and stops it again at the end.
# Installs Istio's CRDs (istio.io/api Go module at v$ISTIO_RELEASE, or the file ISTIO_CRDS), then per
# cluster file: fresh namespaces, `kubectl create --dry-run=server --validate=strict` and
# `kubectl apply --server-side --validate=strict` per object, read-back diff, cleanup.
# --negative first applies mutated copies of plan objects that the server must reject (self-test).
# Reports in OUTDIR (default $REAL_HOME/work/kube/<plan name>).
# Last line: kube-real: N objects applied, R rejected, W warnings, P pruned/altered fields
# Exit 0 only when nothing was rejected (and, with --negative, every mutation behaved as expected).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"

NEGATIVE=0
if [[ "${1:-}" == "--negative" ]]; then NEGATIVE=1; shift; fi
PLANDIR="${1:?usage: kube-check.sh [--negative] PLANDIR [OUTDIR]}"
PLANDIR="$(cd "$PLANDIR" && pwd)" || exit 2
OUTDIR="${2:-$WORK/kube/$(basename "$PLANDIR")}"
ISTIO_TAG="v$ISTIO_RELEASE"

for b in kube-apiserver etcd kubectl; do
  [[ -x "$BIN/$b" ]] || { echo "missing $BIN/$b: run test/real/build.sh kube"; echo "kube-real: tools not built"; exit 2; }
done

STARTED=0
cleanup() { if [[ $STARTED == 1 ]]; then "$REAL_TOOLS/kube-down.sh" >&2; STARTED=0; fi; }
trap cleanup EXIT

if ! (pid_alive "$APISERVER_PIDFILE" "$BIN/kube-apiserver" && apiserver_ready); then
  STARTED=1
  "$REAL_TOOLS/kube-up.sh" >&2 || { echo "kube-real: could not start the API server"; exit 2; }
fi
export KUBECONFIG="$KUBECONFIG_REAL"
export KUBECTL="$BIN/kubectl"   # same version as the server
export KUBECACHEDIR="$RUN/kubectl-cache"
rm -rf "$KUBECACHEDIR"
kubectl() { "$KUBECTL" "$@"; }

# ------------------------------------------------------------------ Istio CRDs
mkdir -p "$OUTDIR"
CRDS="$WORK/istio-crds-$ISTIO_TAG.yaml"
if [[ -n "${ISTIO_CRDS:-}" ]]; then CRDS="$ISTIO_CRDS"
elif [[ ! -s "$CRDS" ]]; then
  apidir="$(gomod_dir "istio.io/api@$ISTIO_TAG")" \
    && cat "$apidir/kubernetes/customresourcedefinitions.gen.yaml" > "$CRDS" \
    || { rm -f "$CRDS"; echo "kube-real: cannot read Istio CRDs from the istio.io/api@$ISTIO_TAG Go module"; exit 2; }
fi
if ! kubectl apply --server-side --force-conflicts --field-manager=crossmesh-check-crds -f "$CRDS" > "$OUTDIR/crds-apply.log" 2>&1; then
  cat "$OUTDIR/crds-apply.log" >&2; echo "kube-real: installing Istio CRDs failed"; exit 2
fi
crds=$(kubectl get crd -o name | grep 'istio\.io$')
# shellcheck disable=SC2086
kubectl wait --for=condition=Established --timeout=120s $crds >> "$OUTDIR/crds-apply.log" 2>&1 \
  || { echo "kube-real: Istio CRDs not Established"; exit 2; }
echo "Istio CRDs $ISTIO_TAG: $(echo "$crds" | wc -l) Established on $("$BIN/kube-apiserver" --version); client $(kubectl version --client | head -1)" >&2
grep '^Warning' "$OUTDIR/crds-apply.log" >&2 || true

# ------------------------------------------------------------------ check
rc=0
if [[ $NEGATIVE == 1 ]]; then
  node "$REAL_TOOLS/kube-check.cjs" negative "$PLANDIR" "$OUTDIR" >&2 || rc=1
fi
out="$(node "$REAL_TOOLS/kube-check.cjs" check "$PLANDIR" "$OUTDIR")"; crc=$?
printf '%s\n' "$out" | sed '$d'
[[ $crc == 0 ]] || rc=1
summary="$(printf '%s\n' "$out" | tail -n 1)"
[[ "$summary" == kube-real:* ]] || { rc=2; summary="kube-real: check did not finish (rc $crc)"; }
cleanup
[[ -s "$OUTDIR/report.txt" ]] && echo "report: $OUTDIR/report.txt"
echo "$summary"
exit $rc
