#!/usr/bin/env bash
# Build helm from the Go module proxy into $REAL_HOME/bin (test/real/build.sh target `helm`).
# Skips if it is already there; FORCE=1 rebuilds. ~1 min cold.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
if [[ "${FORCE:-}" != 1 && -x "$BIN/helm" ]]; then echo "helm already built: $("$BIN/helm" version --short)"; exit 0; fi
# helm's version string is normally stamped by its Makefile; do the same.
GOBIN="$BIN" GOFLAGS=-mod=mod go install -p 2 -trimpath \
  -ldflags "-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION" \
  "helm.sh/helm/v3/cmd/helm@$HELM_VERSION"
echo "built helm: $("$BIN/helm" version --short)"
