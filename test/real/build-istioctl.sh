#!/usr/bin/env bash
# Build istioctl and istio-analyze-runtime (istio-analyze-runtime.go, beside this script) from the
# istio.io/istio module at $ISTIO_MODULE into $REAL_HOME/bin (test/real/build.sh target `istioctl`).
# Skips binaries already there; FORCE=1 rebuilds. Cold on 2 cores: ~8 min, mostly istioctl.
#   build-istioctl.sh                 both binaries
#   build-istioctl.sh --module-only   only the build module ($REAL_HOME/work/istioctl-build), which the
#                                     build.sh target istio-webhooks builds in too
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
export GOFLAGS=-mod=mod
D="$WORK/istioctl-build"
IST="$BIN/istioctl"
ART="$BIN/istio-analyze-runtime"
MODULE_ONLY=0
[[ "${1:-}" == --module-only ]] && MODULE_ONLY=1
need() { [[ "${FORCE:-}" == 1 || ! -x "$1" ]]; }
if [[ $MODULE_ONLY == 0 ]] && ! need "$IST" && ! need "$ART"; then
  echo "istioctl already built: $("$IST" version --remote=false 2>/dev/null)"
  echo "istio-analyze-runtime already built"
  exit 0
fi

# A module that requires istio.io/istio alone, so MVS selects exactly Istio's own dependency versions.
if ! { [[ -f "$D/go.sum" ]] && grep -q "istio.io/istio $ISTIO_MODULE\$" "$D/go.mod"; }; then
  mkdir -p "$D"
  rm -f "$D/go.mod" "$D/go.sum"
  ISTIO_GOMOD="$(gomod_dir "istio.io/istio@$ISTIO_MODULE")/go.mod"
  {
    printf 'module crossmesh.local/istioctl-build\n\ngo %s\n\nrequire istio.io/istio %s\n' \
      "$(awk '/^go /{print $2; exit}' "$ISTIO_GOMOD")" "$ISTIO_MODULE"
    # istio's own replace directives, if any (this version has none)
    awk '/^replace \(/{b=1; print; next} b{print; if ($0 ~ /^\)/) b=0; next} /^replace /{print}' "$ISTIO_GOMOD"
    # The module proxy does not serve four pseudo-versions this istio commit requires
    # (403 "not available"): istio.io/api v1.30.4-0.20260824163423-69099aec2678,
    # istio.io/client-go v1.30.4-0.20260824164123-eb36a3f6cac0, go-control-plane/envoy
    # v1.37.1-0.20260409083702-98966259b99a and go-control-plane/contrib v1.36.1-0.20260409083702-98966259b99a.
    # Pin them to the nearest versions it serves: api/client-go -> the v1.30.3 tags (the target API);
    # envoy -> 9 days newer; contrib -> the next one that is in the checksum DB.
    cat <<'GOMOD'

replace (
	istio.io/api => istio.io/api v1.30.3
	istio.io/client-go => istio.io/client-go v1.30.3
	github.com/envoyproxy/go-control-plane/envoy => github.com/envoyproxy/go-control-plane/envoy v1.37.1-0.20260418153000-ae8637bdda9d
	github.com/envoyproxy/go-control-plane/contrib => github.com/envoyproxy/go-control-plane/contrib v1.36.1-0.20260713214202-ca8ce173c36f
)
GOMOD
  } > "$D/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "istio.io/istio/istioctl/cmd/istioctl"\n' > "$D/tools.go"
  (cd "$D" && go get "istio.io/istio/istioctl/cmd/istioctl@$ISTIO_MODULE")
fi
if [[ $MODULE_ONLY == 1 ]]; then echo "istioctl build module: $D"; exit 0; fi

if need "$IST"; then
  rev="${ISTIO_MODULE##*-}"   # version stamped the way Istio's build does (istio.io/istio/pkg/version)
  (cd "$D" && time go build -p 2 -trimpath -o "$IST.tmp" \
    -ldflags "-s -w -X istio.io/istio/pkg/version.buildVersion=1.30-dev+$rev -X istio.io/istio/pkg/version.buildGitRevision=$rev -X istio.io/istio/pkg/version.buildStatus=Clean" \
    istio.io/istio/istioctl/cmd/istioctl)
  mv "$IST.tmp" "$IST"
  echo "built istioctl: $("$IST" version --remote=false 2>/dev/null)"
fi

if need "$ART"; then
  mkdir -p "$D/cmd/istio-analyze-runtime"
  cp "$REAL_TOOLS/istio-analyze-runtime.go" "$D/cmd/istio-analyze-runtime/main.go"
  (cd "$D" && time go build -p 2 -trimpath -ldflags "-s -w" -o "$ART.tmp" ./cmd/istio-analyze-runtime)
  mv "$ART.tmp" "$ART"
  echo "built $ART"
fi
