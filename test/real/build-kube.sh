#!/usr/bin/env bash
# Build kube-apiserver and kubectl ($KVER) and etcd ($ETCD_VER) from the Go module proxy into
# $REAL_HOME/bin (test/real/build.sh target `kube`). Skips a binary that is already there with the
# right version; FORCE=1 rebuilds. Cold on 2 cores: kube-apiserver ~11 min, kubectl ~1 min after it,
# etcd <1 min.
#   build-kube.sh                 the three binaries
#   build-kube.sh --module-only   only the wrapper module below ($REAL_HOME/work/kube-build), which the
#                                 build.sh targets kcm and scheduler build from
#
# k8s.io/kubernetes cannot be `go install`ed: its go.mod requires every staging module
# (k8s.io/api, apimachinery, ...) at v0.0.0 with `replace => ./staging/...`, and a dependency's
# replace directives are ignored. So a wrapper module requires k8s.io/kubernetes and replaces each
# staging module with its published tag v0.<minor>.<patch> (the list is read from kubernetes' go.mod).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
JOBS="${JOBS:-2}"
export GOFLAGS="${GOFLAGS:--buildvcs=false}"
STAGING_VER="v0.${KVER#v1.}"   # v1.37.2 -> v0.37.2
MINOR="$(echo "$KVER" | cut -d. -f2)"
D="$WORK/kube-build"
MODULE_ONLY=0
[[ "${1:-}" == --module-only ]] && MODULE_ONLY=1

has_version() { # BINARY SUBSTRING (no pipe into grep -q: SIGPIPE + pipefail); false with FORCE=1
  local v
  [[ "${FORCE:-}" != 1 && -x "$1" ]] && v="$("$1" --version 2>/dev/null)" && [[ "$v" == *"$2"* ]]
}

wrapper_module() {
  [[ -f "$D/go.sum" ]] && grep -q "require k8s.io/kubernetes $KVER\$" "$D/go.mod" && return 0
  mkdir -p "$D"
  local gomod govers staging
  gomod="$(gomod_dir "k8s.io/kubernetes@$KVER")/go.mod"
  [[ -f "$gomod" ]] || { echo "cannot read go.mod of k8s.io/kubernetes@$KVER"; exit 1; }
  govers="$(sed -n 's/^go \([0-9.]*\)$/\1/p' "$gomod")"
  staging="$(awk '/^require \(/{r=1;next} r&&/^\)/{r=0} r&&$2=="v0.0.0"{print $1}' "$gomod")"
  {
    printf 'module crossmesh.local/kube-build\n\ngo %s\n\nrequire k8s.io/kubernetes %s\n\nreplace (\n' "$govers" "$KVER"
    for m in $staging; do printf '\t%s => %s %s\n' "$m" "$m" "$STAGING_VER"; done
    echo ")"
  } > "$D/go.mod"
  cat > "$D/tools.go" <<'GO'
//go:build tools

// Keeps the commands built from this module in its go.mod / go.sum.
package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kubectl"
)
GO
  (cd "$D" && go mod tidy)   # tidy considers all build tags, so tools.go counts
}

if [[ $MODULE_ONLY == 1 ]]; then wrapper_module; echo "kube build module: $D"; exit 0; fi

if has_version "$BIN/kube-apiserver" "$KVER"; then
  echo "kube-apiserver already built: $("$BIN/kube-apiserver" --version)"
else
  echo "== kube-apiserver $KVER (staging modules $STAGING_VER)"
  wrapper_module
  V=k8s.io/component-base/version
  (cd "$D" && time go build -p "$JOBS" -trimpath -o "$BIN/kube-apiserver" \
    -ldflags "-s -w -X $V.gitVersion=$KVER -X $V.gitMajor=1 -X $V.gitMinor=$MINOR -X $V.gitTreeState=clean -X $V.buildDate=1970-01-01T00:00:00Z" \
    k8s.io/kubernetes/cmd/kube-apiserver)
  "$BIN/kube-apiserver" --version
fi

if [[ "${FORCE:-}" != 1 && -x "$BIN/kubectl" && "$("$BIN/kubectl" version --client 2>/dev/null)" == *"Client Version: $KVER"$'\n'* ]]; then
  echo "kubectl already built: $KVER"
else
  echo "== kubectl $KVER"
  wrapper_module
  V=k8s.io/component-base/version C=k8s.io/client-go/pkg/version
  (cd "$D" && time go build -p "$JOBS" -trimpath -o "$BIN/kubectl" \
    -ldflags "-s -w -X $C.gitVersion=$KVER -X $C.gitMajor=1 -X $C.gitMinor=$MINOR -X $V.gitVersion=$KVER -X $V.gitMajor=1 -X $V.gitMinor=$MINOR" \
    k8s.io/kubernetes/cmd/kubectl)
  "$BIN/kubectl" version --client
fi

if has_version "$BIN/etcd" "${ETCD_VER#v}"; then
  echo "etcd already built: $("$BIN/etcd" --version | sed -n 1p)"
else
  echo "== etcd $ETCD_VER"
  E="$WORK/etcd-build"
  mkdir -p "$E"
  printf 'module crossmesh.local/etcd-build\n\ngo 1.24\n' > "$E/go.mod"
  cat > "$E/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$E" && go get "go.etcd.io/etcd/server/v3@$ETCD_VER" && go mod tidy)
  (cd "$E" && time go build -p "$JOBS" -trimpath -ldflags "-s -w" -o "$BIN/etcd" .)
  "$BIN/etcd" --version | sed -n 1p
fi
