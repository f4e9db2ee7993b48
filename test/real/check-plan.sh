#!/usr/bin/env bash
# Run both checks on each plan directory written by `npm run plan -- --stack NAME --out DIR`:
#
#   test/real/check-plan.sh PLANDIR...
#
# kube-check.sh (real kube-apiserver with Istio's CRDs) and istio-check.sh (Istio's own tooling).
# The local API server is started once for all plans (unless one is already running) and stopped at
# the end. Ends with one line per plan and a final line.
# Exit 0: nothing real found; 1: findings; 2: a check could not run (e.g. test/real/build.sh not run yet).
set -uo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/env.sh"
(( $# )) || { echo "usage: check-plan.sh PLANDIR..."; exit 2; }
for p in "$@"; do [[ -d "$p" ]] || { echo "not a directory: $p"; exit 2; }; done

STARTED=0
stop_server() { if [[ $STARTED == 1 ]]; then "$REAL_TOOLS/kube-down.sh"; STARTED=0; fi; }
trap stop_server EXIT
if ! (pid_alive "$APISERVER_PIDFILE" "$BIN/kube-apiserver" && apiserver_ready); then
  STARTED=1
  "$REAL_TOOLS/kube-up.sh" >/dev/null   # on failure kube-check.sh says why
fi

LOG="$(mktemp)"
SUMMARY=()
failed=0 broken=0
for p in "$@"; do
  line="" status="OK  "
  for check in kube-check.sh istio-check.sh; do
    echo
    echo "######## $check $p"
    "$REAL_TOOLS/$check" "$p" 2>&1 | tee "$LOG"
    rc=${PIPESTATUS[0]}
    last="$(tail -n 1 "$LOG")"
    case $rc in
      0) ;;
      1) last="$last [exit 1]"; [[ $status == ERROR ]] || status=FAIL ;;
      *) last="$last [exit $rc: could not run]"; status=ERROR ;;
    esac
    line="${line:+$line | }$last"
  done
  case $status in FAIL) failed=$((failed + 1)) ;; ERROR) broken=$((broken + 1)) ;; esac
  SUMMARY+=("$status $p: $line")
done
rm -f "$LOG"
stop_server
echo
printf '%s\n' "${SUMMARY[@]}"
if (( broken )); then
  echo "check-plan: ERROR: checks could not run on $broken of $# plan(s)$( (( failed )) && echo ", $failed more with findings")"
  exit 2
elif (( failed )); then
  echo "check-plan: FAIL: $failed of $# plan(s) with findings (reports under $WORK)"
  exit 1
fi
echo "check-plan: OK: $# plan(s), no real findings"
