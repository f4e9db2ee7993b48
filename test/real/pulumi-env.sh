# shellcheck shell=bash
# Source this to use the Pulumi CLI of test/real/build.sh with a local file backend and no network:
#   source test/real/pulumi-env.sh [STATE_DIR]
# then, in a Pulumi project directory: pulumi stack init NAME; pulumi up --yes ...
# Plugins: the engine takes pulumi-resource-* from $PATH ("ambient" plugins, it warns "using ... from $PATH")
# whatever version the npm SDKs ask for; automatic plugin download is off, so a missing one is an error.
_RE_TOOLS="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$_RE_TOOLS/env.sh"
_RE_STATE="${1:-$REAL_HOME/pulumi-state}"
mkdir -p "$_RE_STATE"
export PATH="$BIN:$PATH" PULUMI_HOME="$REAL_HOME/pulumi-home" PULUMI_CONFIG_PASSPHRASE="${PULUMI_CONFIG_PASSPHRASE:-local}" \
  PULUMI_SKIP_UPDATE_CHECK=true PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION=true PULUMI_BACKEND_URL="file://$_RE_STATE"
