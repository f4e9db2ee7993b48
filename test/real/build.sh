#!/usr/bin/env bash
# Builds the real tools of the repository's own extra checks from the Go module proxy into
# $REAL_HOME/bin (default ~/.cache/crossmesh-real-validators/bin). Idempotent; FORCE=1 rebuilds.
#   test/real/build.sh promtool     Prometheus's promtool (test/real/check-rules.sh), ~5 min cold on 2 cores
set -euo pipefail
REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
BIN="$REAL_HOME/bin"
PROMETHEUS_MODULE="${PROMETHEUS_MODULE:-v0.316.0}" # Prometheus 3.x's Go module version
export PATH="/usr/local/go/bin:$PATH" GOSUMDB=off GOFLAGS=-mod=mod CGO_ENABLED=0
mkdir -p "$BIN"
for target in "${@:-promtool}"; do
  case "$target" in
    promtool)
      if [[ "${FORCE:-}" != 1 && -x "$BIN/promtool" ]]; then echo "promtool: already built"; continue; fi
      GOBIN="$BIN" go install "github.com/prometheus/prometheus/cmd/promtool@$PROMETHEUS_MODULE"
      echo "promtool: $BIN/promtool" ;;
    *) echo "unknown target $target (known: promtool)" >&2; exit 2 ;;
  esac
done
