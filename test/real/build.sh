#!/usr/bin/env bash
# One command for the real tools of the repository's extra checks: builds them from the Go module proxy (or, for
# the Pulumi plugins, takes them the ordinary way) into $REAL_HOME/bin (default ~/.cache/crossmesh-real-validators/bin).
#
#   test/real/build.sh                    everything below, in this order (~45 min cold on 2 cores: start it in the
#                                         background with a log, e.g. `test/real/build.sh > /tmp/real-build.log 2>&1 &`)
#   test/real/build.sh kwok scheduler     just some targets
#   FORCE=1 test/real/build.sh helm       rebuild even if the binary exists
#
# Idempotent: every target skips what is already there, so a second run takes seconds. A target that fails says
# why; the others still run, and the script exits non-zero naming the failed targets at the end.
#
# target          gives (in $REAL_HOME/bin unless said)                          cold, 2 cores   used by
# kube            etcd, kube-apiserver, kubectl (build-kube.sh)                  ~13 min         kube-check.sh, kube-up.sh, clusters-up.sh
# kcm             kube-controller-manager (from kube's build module)             ~4 min after kube  clusters-up.sh
# scheduler       kube-scheduler (from kube's build module)                      ~3 min after kube  nodes-up.sh
# kwok            kwok (KWOK: nodes without a kubelet)                           ~2 min          nodes-up.sh
# istioctl        istioctl, istio-analyze-runtime (build-istioctl.sh)            ~8 min          istio-check.sh
# istio-webhooks  istio-webhooks, from test/real/istio-webhooks.go                ~1 min after istioctl
# helm            helm (build-helm.sh)                                           ~1 min          istio-check.sh, test/real/helm-render.test.ts
# charts          Istio's base, istiod and gateway charts, in                    seconds         istio-check.sh, test/real/helm-render.test.ts
#                 $REAL_HOME/work/charts/<release>/ (prepare-charts.sh)
# promtool        Prometheus's promtool                                          ~5 min          check-rules.sh
# cli             pulumi, the Pulumi CLI (Go module github.com/pulumi/pulumi/pkg/v3)  ~6 min     pulumi-env.sh, npm run test:engine
# plugins         pulumi-language-nodejs and pulumi-resource-{kubernetes,tls,random},  seconds   npm run test:engine
#                 taken the ordinary way (see build_plugins below)
#
# Versions are pinned in env.sh (Kubernetes, etcd, Istio, helm) and below (Prometheus, Pulumi, KWOK).
# Scratch: $REAL_HOME/work (Go build modules); Go's module and build caches take a few GB more.
# Needs go and node/npm; the checks themselves also need python3 with PyYAML, openssl and curl (env.sh).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
ROOT="$(cd "$REAL_TOOLS/../.." && pwd)"
JOBS="${JOBS:-2}"
PROMETHEUS_MODULE="${PROMETHEUS_MODULE:-v0.316.0}" # Prometheus 3.x's Go module version
PULUMI_VER="${PULUMI_VER:-v3.248.0}"               # the CLI; @pulumi/pulumi in package.json is the same version
KWOK_VER="${KWOK_VER:-v0.8.0}"
ALL_TARGETS=(kube kcm scheduler kwok istioctl istio-webhooks helm charts promtool cli plugins)

log() { echo "[build $(date +%H:%M:%S)] $*" >&2; }
need() { [[ "${FORCE:-}" == 1 || ! -x "$BIN/$1" ]]; }
# The settings the Go-module-proxy builds below run with (each target runs in its own subshell).
go_env() { export GOSUMDB=off GOFLAGS=-mod=mod GOTOOLCHAIN=local CGO_ENABLED=0; }

# ---------------------------------------------------------------- Kubernetes
build_kube() { "$REAL_TOOLS/build-kube.sh"; }

# kube-controller-manager and kube-scheduler, from the wrapper module build-kube.sh makes ($WORK/kube-build).
build_kube_component() { # BINARY (kube-controller-manager | kube-scheduler)
  need "$1" || { log "$1 exists"; return 0; }
  local d="$WORK/kube-build"
  "$REAL_TOOLS/build-kube.sh" --module-only >&2
  go_env
  local V=k8s.io/component-base/version minor
  minor="$(echo "$KVER" | cut -d. -f2)"
  local ldflags="-s -w -X $V.gitVersion=$KVER -X $V.gitMajor=1 -X $V.gitMinor=$minor"
  (cd "$d" && go build -p "$JOBS" -trimpath -ldflags "$ldflags" -o "$BIN/$1" "k8s.io/kubernetes/cmd/$1")
  log "$1: $("$BIN/$1" --version)"
}

# KWOK (sigs.k8s.io/kwok, Kubernetes WithOut Kubelet).
build_kwok() {
  need kwok || { log "kwok exists"; return 0; }
  go_env
  local t; t="$(mktemp -d)"
  (cd "$t" && GOBIN="$BIN" go install -p "$JOBS" -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VER")
  rmdir "$t" 2>/dev/null || true
}

# ---------------------------------------------------------------- Istio
build_istioctl() { "$REAL_TOOLS/build-istioctl.sh"; }

# istio-webhooks: Istio's injection and validation webhooks served from outside a cluster. Its source,
# test/real/istio-webhooks.go, is built exactly as build-istioctl.sh builds istio-analyze-runtime.go: in the same
# module ($WORK/istioctl-build, so the same Istio version), `go build -p 2 -trimpath -ldflags "-s -w"`.
# Rebuilt when the source is newer than the binary.
build_istio_webhooks() {
  local src="$REAL_TOOLS/istio-webhooks.go" out="$BIN/istio-webhooks" D="$WORK/istioctl-build"
  if [[ "${FORCE:-}" != 1 && -x "$out" && ! "$src" -nt "$out" ]]; then log "istio-webhooks exists"; return 0; fi
  "$REAL_TOOLS/build-istioctl.sh" --module-only >&2
  export GOFLAGS=-mod=mod
  mkdir -p "$D/cmd/istio-webhooks"
  cp "$src" "$D/cmd/istio-webhooks/main.go"
  (cd "$D" && time go build -p 2 -trimpath -ldflags "-s -w" -o "$out.tmp" ./cmd/istio-webhooks)
  mv "$out.tmp" "$out"
  log "built $out"
}

build_helm() { "$REAL_TOOLS/build-helm.sh"; }
# The release the checks pin, and an older one for the real-engine upgrade test (1.29.x → 1.30.x). The module
# proxy serves no release-1.29 commit of istio.io/istio: the older charts are those of the oldest commit it
# serves (master of April 2026, before 1.30 branched), stamped 1.29.2 — charts that really differ from
# 1.30.3's, under the version crossmesh's revision logic sees as the previous minor.
UPGRADE_FROM_RELEASE="${UPGRADE_FROM_RELEASE:-1.29.2}"
UPGRADE_FROM_MODULE="${UPGRADE_FROM_MODULE:-v0.0.0-20260423205519-b01690e6db7d}"
build_charts() {
  "$REAL_TOOLS/prepare-charts.sh"
  ISTIO_RELEASE="$UPGRADE_FROM_RELEASE" ISTIO_MODULE="$UPGRADE_FROM_MODULE" "$REAL_TOOLS/prepare-charts.sh"
}

# ---------------------------------------------------------------- Prometheus
build_promtool() {
  need promtool || { log "promtool exists"; return 0; }
  go_env
  GOBIN="$BIN" go install "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE"
  log "promtool: $BIN/promtool"
}

# ---------------------------------------------------------------- Pulumi
# The CLI is the Go module github.com/pulumi/pulumi/pkg/v3 (its cmd/pulumi), built in a module of its own.
build_cli() {
  need pulumi || { log "pulumi exists ($("$BIN/pulumi" version))"; return 0; }
  go_env
  local d="$WORK/pulumi-build/cli"; mkdir -p "$d"; cd "$d"
  cat > go.mod <<EOF
module local/pulumi-cli-build

go 1.25.11

require (
	github.com/pulumi/pulumi/pkg/v3 $PULUMI_VER
	github.com/pulumi/pulumi/sdk/v3 $PULUMI_VER
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
EOF
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/pulumi/pulumi/pkg/v3/cmd/pulumi"\n' > tools.go
  log "cli: go mod tidy"; go mod tidy -e
  log "cli: go build (cold ~6 min on 2 cores)"
  go build -p "$JOBS" -trimpath -ldflags "-X github.com/pulumi/pulumi/sdk/v3/go/common/version.Version=$PULUMI_VER" \
    -o "$BIN/pulumi" github.com/pulumi/pulumi/pkg/v3/cmd/pulumi
  log "cli: $("$BIN/pulumi" version)"
}

# The language host and the provider plugins come the way any Pulumi user gets them, never built here:
#   1. already in $BIN: kept (FORCE=1 looks again and replaces it only when another one is found);
#   2. on PATH, or in $PULUMI_HOME (default ~/.pulumi): linked into $BIN;
#   3. a provider plugin not found: `pulumi plugin install resource NAME VERSION`, at the version of the npm package
#      @pulumi/NAME in node_modules, then linked. The language host ships with the Pulumi CLI release; it is not
#      installed here.
# What cannot be had (e.g. no network) is named, and the target fails.
PULUMI_HOME_DIR="${PULUMI_HOME:-$HOME/.pulumi}"
# found_outside_bin NAME -> a path to NAME on PATH that is not $BIN's own
found_outside_bin() {
  local d bin_real
  bin_real="$(readlink -f "$BIN")"
  local IFS=:
  for d in $PATH; do
    [[ -n "$d" && "$(readlink -f "$d")" != "$bin_real" && -f "$d/$1" && -x "$d/$1" ]] && { echo "$d/$1"; return 0; }
  done
  return 1
}
link_plugin() { # NAME SOURCE
  ln -sfn "$(readlink -f "$2")" "$BIN/$1"
  log "$1: linked $BIN/$1 -> $(readlink -f "$2")"
}
plugin_ok() { [[ "${FORCE:-}" != 1 && -x "$BIN/$1" ]] && log "$1: in $BIN"; }

language_host() {
  local name=pulumi-language-nodejs p cli
  plugin_ok "$name" && return 0
  if p="$(found_outside_bin "$name")"; then link_plugin "$name" "$p"; return 0; fi
  for cli in "$(found_outside_bin pulumi)" "$PULUMI_HOME_DIR/bin/pulumi"; do
    [[ -n "$cli" && -x "$(dirname "$cli")/$name" ]] && { link_plugin "$name" "$(dirname "$cli")/$name"; return 0; }
  done
  [[ -x "$BIN/$name" ]] && { log "$name: none found elsewhere; keeping $BIN/$name"; return 0; }
  echo "MISSING $name (the Node.js language host): it ships with the Pulumi CLI release, not as a plugin to" \
    "install. Install the Pulumi CLI ${PULUMI_VER} or later the usual way (it puts $name beside pulumi, by" \
    "default in ~/.pulumi/bin), put it on PATH, and run test/real/build.sh plugins again." >&2
  return 1
}

provider_plugin() { # NAME REQUIRED(1|0)
  local name="$1" required="$2" bin="pulumi-resource-$1" pkg ver dir p cli
  plugin_ok "$bin" && return 0
  if p="$(found_outside_bin "$bin")"; then link_plugin "$bin" "$p"; return 0; fi
  pkg="$ROOT/node_modules/@pulumi/$name/package.json"
  if [[ ! -f "$pkg" ]]; then
    [[ -x "$BIN/$bin" ]] && { log "$bin: none found elsewhere; keeping $BIN/$bin"; return 0; }
    if [[ $required == 0 ]]; then
      log "$bin: skipped: @pulumi/$name is not in node_modules (crossmesh does not depend on it), so no version to install"
      return 0
    fi
    echo "MISSING $bin: no $pkg to read its version from: run npm ci in $ROOT first" >&2
    return 1
  fi
  ver="$(node -p "require(process.argv[1]).version" "$pkg")"
  dir="$PULUMI_HOME_DIR/plugins/resource-$name-v$ver"
  if [[ ! -x "$dir/$bin" ]]; then
    cli="$(found_outside_bin pulumi || true)"; [[ -x "$BIN/pulumi" ]] && cli="${cli:-$BIN/pulumi}"
    if [[ -z "$cli" ]]; then
      echo "MISSING $bin $ver: no pulumi CLI to install it with (test/real/build.sh cli, or install the Pulumi CLI)" >&2
      return 1
    fi
    log "$bin: $cli plugin install resource $name $ver"
    # from outside any Pulumi project (the repository root is one)
    (cd / && PULUMI_HOME="$PULUMI_HOME_DIR" PULUMI_SKIP_UPDATE_CHECK=true "$cli" plugin install resource "$name" "$ver" >&2) || true
  fi
  if [[ -x "$dir/$bin" ]]; then link_plugin "$bin" "$dir/$bin"; return 0; fi
  [[ -x "$BIN/$bin" ]] && { log "$bin: could not install $ver; keeping $BIN/$bin"; return 0; }
  echo "MISSING $bin $ver: \`pulumi plugin install resource $name $ver\` did not install it (no network?)." \
    "Run that command where the Pulumi plugin downloads are reachable (PULUMI_HOME=$PULUMI_HOME_DIR), or put" \
    "$bin on PATH, then run test/real/build.sh plugins again." >&2
  return 1
}

build_plugins() {
  local failed=0
  language_host || failed=1
  provider_plugin kubernetes 1 || failed=1
  provider_plugin tls 1 || failed=1
  provider_plugin random 0 || failed=1
  return "$failed"
}

# ---------------------------------------------------------------- main
targets=("$@"); [[ ${#targets[@]} -gt 0 ]] || targets=("${ALL_TARGETS[@]}")
for t in "${targets[@]}"; do
  [[ " ${ALL_TARGETS[*]} " == *" $t "* ]] || { echo "unknown target $t (known: ${ALL_TARGETS[*]})" >&2; exit 2; }
done
mkdir -p "$BIN"
T0=$SECONDS
FAILED=()
for t in "${targets[@]}"; do
  start=$SECONDS
  log "== $t"
  # Each target in its own subshell with -e in force (a subshell tested with || would ignore -e): a failure
  # stops that target only.
  set +e
  (
    set -e
    case "$t" in
      kube) build_kube ;;
      kcm) build_kube_component kube-controller-manager ;;
      scheduler) build_kube_component kube-scheduler ;;
      kwok) build_kwok ;;
      istioctl) build_istioctl ;;
      istio-webhooks) build_istio_webhooks ;;
      helm) build_helm ;;
      charts) build_charts ;;
      promtool) build_promtool ;;
      cli) build_cli ;;
      plugins) build_plugins ;;
    esac
  )
  rc=$?
  set -e
  if [[ $rc != 0 ]]; then FAILED+=("$t"); log "$t FAILED (exit $rc) after $((SECONDS - start)) s"
  else log "$t: done in $((SECONDS - start)) s"; fi
done
echo "build: ${#targets[@]} target(s) in $((SECONDS - T0)) s; REAL_HOME=$REAL_HOME; bin: $(find "$BIN" -mindepth 1 -maxdepth 1 -printf '%f\n' | sort | tr '\n' ' ')"
if [[ ${#FAILED[@]} -gt 0 ]]; then echo "build: FAILED: ${FAILED[*]}" >&2; exit 1; fi
