#!/usr/bin/env bash
# A local Helm chart repository on https://localhost:$CHART_PORT (default 18443) serving Istio's own charts
# (base, istiod, gateway) for every release exported under $REAL_HOME/work/charts/<release>/ by
# prepare-charts.sh: `helm package` each, `helm repo index`, and static-https.cjs on 127.0.0.1 with the
# certificate of local-ca.sh. IstioInstall's `chartRepository` then points at it, and the kubernetes provider
# installs the charts as it would from Istio's public repository.
#   chart-repo.sh up      prints CHART_REPOSITORY=https://localhost:18443 as its last line; idempotent
#   chart-repo.sh down
set -euo pipefail
TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
REAL_HOME="${REAL_HOME:-$HOME/.cache/crossmesh-real-validators}"
BIN="$REAL_HOME/bin"
RUN="$REAL_HOME/run-charts"
PORT="${CHART_PORT:-18443}"
mkdir -p "$RUN/repo"
alive() { [[ -s "$RUN/server.pid" ]] && kill -0 "$(cat "$RUN/server.pid")" 2>/dev/null; }
case "${1:-up}" in
  down)
    if alive; then kill "$(cat "$RUN/server.pid")"; fi
    rm -f "$RUN/server.pid"; echo "chart repository stopped"; exit 0 ;;
  up) ;;
  *) echo "usage: chart-repo.sh up|down" >&2; exit 2 ;;
esac
eval "$("$TOOLS/local-ca.sh" | sed 's/^/export /')"
shopt -s nullglob
releases=("$REAL_HOME"/work/charts/*/)
[[ ${#releases[@]} -gt 0 ]] || { echo "no charts under $REAL_HOME/work/charts: run test/real/build.sh charts" >&2; exit 2; }
for dir in "${releases[@]}"; do
  for chart in base istiod gateway; do
    [[ -d "$dir/$chart" ]] || continue
    version="$(awk '/^version:/{print $2; exit}' "$dir/$chart/Chart.yaml")"
    [[ -s "$RUN/repo/$chart-$version.tgz" && "$RUN/repo/$chart-$version.tgz" -nt "$dir/$chart/Chart.yaml" ]] ||
      "$BIN/helm" package "$dir/$chart" --destination "$RUN/repo" >/dev/null
  done
done
"$BIN/helm" repo index "$RUN/repo" --url "https://localhost:$PORT"
if ! alive; then
  setsid node "$TOOLS/static-https.cjs" "$RUN/repo" "$PORT" "$LOCAL_CERT" "$LOCAL_KEY" </dev/null >"$RUN/server.log" 2>&1 &
  echo $! > "$RUN/server.pid"
fi
for _ in $(seq 1 50); do
  curl -sf --cacert "$LOCAL_CA" "https://localhost:$PORT/index.yaml" >/dev/null && break
  sleep 0.2
done
curl -sf --cacert "$LOCAL_CA" "https://localhost:$PORT/index.yaml" >/dev/null ||
  { echo "chart repository did not start: $(tail -5 "$RUN/server.log")" >&2; exit 1; }
echo "charts: $(cd "$RUN/repo" && ls *.tgz | tr '\n' ' ')" >&2
echo "CHART_REPOSITORY=https://localhost:$PORT"
