#!/usr/bin/env bash
# Check a crossmesh plan with Istio's own tooling (no cluster):
#
#   istio-check.sh [--no-model-adopted] PLANDIR
#
# Per cluster: helm template of each release in helm-releases.yaml with Istio's charts (values schema
# enforced), wiring checks of the plan's Gateways/AuthorizationPolicies/Services against the pods
# rendered from those charts, `istioctl validate` (istiod's webhook validation) per object, and
# Istio's analyzers (istioctl analyze file-only, plus istio-analyze-runtime with Pods/Services/
# Namespaces/Secrets kept). Every message is classified: defect, artifact (known false positive) or info.
# Reports in $REAL_HOME/work/istio/<plan name>/ (report.md, findings.json).
# Last line: istio-real: N errors, M warnings (real defects; ...). Exit 0 only with no real defect.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ARGS=()
if [[ "${1:-}" == "--no-model-adopted" ]]; then ARGS+=(--no-model-adopted); shift; fi
PLAN="${1:?usage: istio-check.sh [--no-model-adopted] PLANDIR}"
PLAN="$(cd "$PLAN" && pwd)"
for b in istioctl helm istio-analyze-runtime; do
  [[ -x "$BIN/$b" ]] || { echo "missing $BIN/$b: run test/real/build.sh istioctl helm"; echo "istio-real: tools not built"; exit 2; }
done
[[ -d "$WORK/charts/$ISTIO_RELEASE" ]] || { echo "missing $WORK/charts/$ISTIO_RELEASE: run test/real/build.sh charts"; echo "istio-real: charts missing"; exit 2; }
PY="$(real_python)" || { echo "needs python3 with PyYAML (Debian: apt-get install python3-yaml)"; echo "istio-real: python3 yaml missing"; exit 2; }
export KUBECONFIG=/dev/null   # never talk to a cluster
LOG="$(mktemp)"
trap 'rm -f "$LOG"' EXIT
set +e
"$PY" "$REAL_TOOLS/istio_check.py" "$PLAN" --out "$WORK/istio/$(basename "$PLAN")" \
  --bin "$BIN" --charts "$WORK/charts" "${ARGS[@]}" 2>&1 | tee "$LOG"
rc=${PIPESTATUS[0]}
[[ "$(tail -n 1 "$LOG")" == istio-real:* ]] || { echo "istio-real: check did not finish (rc $rc)"; exit 2; }
exit "$rc"
