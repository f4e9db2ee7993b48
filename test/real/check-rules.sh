#!/usr/bin/env bash
# The link's alert rules under Prometheus's own tool: `promtool check rules` on both clusters' rule files
# and `promtool test rules` (the real engine evaluating them over made-up series). promtool is built from
# the Go module proxy once (test/real/build.sh promtool), or taken from PROMTOOL / PATH.
set -euo pipefail
cd "$(dirname "$0")/../.."
PROMTOOL="${PROMTOOL:-$(command -v promtool || echo "${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}/bin/promtool")}"
[[ -x "$PROMTOOL" ]] || { echo "check-rules: no promtool ($PROMTOOL): run test/real/build.sh promtool" >&2; exit 2; }
dir="$(mktemp -d)"
npx tsx test/real/promtool-rules.ts "$dir"
"$PROMTOOL" check rules "$dir/eks.rules.yaml" "$dir/gke.rules.yaml"
(cd "$dir" && "$PROMTOOL" test rules gke.rules.test.yaml)
echo "check-rules: OK ($("$PROMTOOL" --version 2>&1 | head -1))"
