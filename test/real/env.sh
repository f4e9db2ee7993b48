# shellcheck shell=bash disable=SC2034
# Common settings for every script in test/real/ (sourced, not run).
# Nothing is written into the repository: binaries, build scratch, reports and the local API
# servers' state all live under REAL_HOME.
REAL_TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
export REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
BIN="$REAL_HOME/bin"            # every binary test/real/build.sh builds or links (its header lists them)
WORK="$REAL_HOME/work"          # build modules, Istio charts and CRDs, check reports
RUN="${REAL_RUN:-$REAL_HOME/run}"  # local API server: pki, etcd data, pid files, logs, kubeconfig
mkdir -p "$BIN" "$WORK" "$RUN"

# What the checks are pinned to.
KVER="${KVER:-v1.37.2}"                  # kube-apiserver and kubectl
ETCD_VER="${ETCD_VER:-v3.7.3}"
ISTIO_RELEASE="${ISTIO_RELEASE:-1.30.3}" # Istio CRDs (istio.io/api tag) and chart version
# istio.io/istio is only on the module proxy as pseudo-versions: this is a release-1.30 commit
# after 1.30.3 (9739e10eb9d7, 2026-08-26). istioctl and the charts come from it.
ISTIO_MODULE="${ISTIO_MODULE:-v0.0.0-20260826214018-9739e10eb9d7}"
HELM_VERSION="${HELM_VERSION:-v3.21.4}"  # same minor as the helm library Istio 1.30 links

# The local API server listens on 127.0.0.1 only. clusters-up.sh runs its clusters beside it at port offsets 10
# and up (etcd 23801+/23811+, API servers 16453+), so the validators' etcd peer port sits below its client
# port, clear of them all (at 23801 it was taken by the "eks" cluster's etcd).
ETCD_CLIENT_PORT="${ETCD_CLIENT_PORT:-23791}"
ETCD_PEER_PORT="${ETCD_PEER_PORT:-23790}"
APISERVER_PORT="${APISERVER_PORT:-16443}"
KUBECONFIG_REAL="$RUN/kubeconfig"
ETCD_PIDFILE="$RUN/etcd.pid"
APISERVER_PIDFILE="$RUN/kube-apiserver.pid"

export CGO_ENABLED=0
command -v go >/dev/null 2>&1 || PATH="/usr/local/go/bin:$PATH"   # Go's usual install place

# gomod_dir MODULE@VERSION -> its directory in the Go module cache (downloaded if needed).
# Run from an empty temp dir so no go.mod around the caller is touched.
gomod_dir() {
  local t d
  t="$(mktemp -d)"
  d="$(cd "$t" && GOSUMDB=off GOFLAGS=-mod=mod go mod download -json "$1" | sed -n 's/^\s*"Dir": "\(.*\)",$/\1/p')"
  rmdir "$t"
  [[ -n "$d" && -d "$d" ]] && echo "$d"
}

# real_python -> a python3 that has PyYAML (istio_check.py needs it)
real_python() {
  local p
  for p in python3 /usr/bin/python3; do
    "$p" -c 'import yaml' >/dev/null 2>&1 && { echo "$p"; return 0; }
  done
  return 1
}

# pid_alive PIDFILE BINARY -> true when the pid in PIDFILE is alive and runs BINARY
pid_alive() {
  local f="$1" exe="$2" pid
  [[ -s "$f" ]] || return 1
  pid="$(cat "$f")"
  [[ "$pid" =~ ^[0-9]+$ && -e "/proc/$pid" ]] || return 1
  [[ "$(readlink -f "/proc/$pid/exe" 2>/dev/null)" == "$(readlink -f "$exe")" ]]
}

apiserver_ready() {
  curl -sf --max-time 3 --cacert "$RUN/pki/ca.crt" --cert "$RUN/pki/admin.crt" --key "$RUN/pki/admin.key" \
    "https://127.0.0.1:$APISERVER_PORT/readyz" >/dev/null 2>&1
}
