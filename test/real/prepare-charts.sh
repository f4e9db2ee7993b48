#!/usr/bin/env bash
# Export Istio's own Helm charts (base, istiod, gateway) from the istio.io/istio Go module at
# $ISTIO_MODULE into $REAL_HOME/work/charts/$ISTIO_RELEASE/, and apply what Istio's release-builder
# does when it publishes them (chart version/appVersion placeholder 1.0.0 -> the release; testing
# hub/tag -> release hub/tag), so they render like the published $ISTIO_RELEASE charts.
# Skips when the charts were already exported from the same module version; FORCE=1 exports them again.
# (test/real/build.sh target `charts`.)
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
DEST="$WORK/charts/$ISTIO_RELEASE"
MARK="$DEST.ref"   # records which module version the charts came from
if [[ "${FORCE:-}" != 1 && -f "$MARK" && "$(cat "$MARK")" == "istio.io/istio@$ISTIO_MODULE" && -d "$DEST/gateway" ]]; then
  echo "charts already exported: $DEST (from istio.io/istio@$ISTIO_MODULE)"; exit 0
fi
SRC="$(gomod_dir "istio.io/istio@$ISTIO_MODULE")/manifests/charts" \
  || { echo "cannot download istio.io/istio@$ISTIO_MODULE from the Go module proxy"; exit 1; }
chmod -R u+w "$DEST" 2>/dev/null || true
rm -rf "$DEST" "$MARK"
mkdir -p "$DEST"
cp -r "$SRC/base" "$DEST/base"
cp -r "$SRC/istio-control/istio-discovery" "$DEST/istiod"   # the chart is named istiod
cp -r "$SRC/gateway" "$DEST/gateway"
chmod -R u+w "$DEST"   # the module cache is read-only
for c in base istiod gateway; do
  sed -i -e "s/^version: 1\.0\.0$/version: $ISTIO_RELEASE/" -e "s/^appVersion: 1\.0\.0$/appVersion: $ISTIO_RELEASE/" \
         -e "s#hub: registry\.istio\.io/testing#hub: docker.io/istio#" -e "s/\(^\s*tag:\) latest$/\1 $ISTIO_RELEASE/" \
         "$DEST/$c/Chart.yaml" "$DEST/$c/values.yaml"
done
echo "istio.io/istio@$ISTIO_MODULE" > "$MARK"
echo "exported charts from istio.io/istio@$ISTIO_MODULE to $DEST:"
grep -H -E '^(name|version|appVersion):' "$DEST"/*/Chart.yaml
