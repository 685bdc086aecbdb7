#!/usr/bin/env bash
# A deploy behind lastgood's gate: check nothing stands in the way, snapshot what runs, check the snapshot can
# be restored, deploy with your own tool, then watch the new release.
#
#   1. `lastgood preflight --before-snapshot`: an open incident, a rollback running or unfinished, a rollback
#      awaiting approval or a deploy freeze stops the deploy here, before anything is touched (exit 3).
#   2. `lastgood snapshot create --kind pre-deploy`: what a rollback of this deploy restores.
#   3. `lastgood preflight`: the same checks again, and that snapshot: recent, taken healthy, its data verified.
#   4. your deploy command.
#   5. `lastgood watch`: soaks the release with the app's triggers; marks it known good when the soak passes
#      (exit 0), or rolls it back to the snapshot of step 2 and exits 1, which fails this script and the pipeline.
#
#   usage: deploy-gate.sh APP VERSION -- DEPLOY-COMMAND [ARG…]
#   e.g.   deploy-gate.sh shop "$GIT_SHA" -- bundle exec cap production deploy
#
# LASTGOOD_CONFIG names the configuration (default ./lastgood.yaml), or LASTGOOD_SERVER and LASTGOOD_TOKEN a
# `lastgood serve` to run the lastgood steps on; WATCH_FOR the soak (default: the configuration's
# monitor.watch_for). The script stops at the first step that fails, with that step's exit code.
set -euo pipefail
usage="usage: deploy-gate.sh APP VERSION -- DEPLOY-COMMAND [ARG…]"
app=${1:?$usage}
version=${2:?$usage}
shift 2
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "deploy-gate.sh: no deploy command after --" >&2; exit 2; }

lastgood preflight "$app" --before-snapshot
lastgood snapshot create "$app" --kind pre-deploy --label "before $version" --reason "deploy of $version"
lastgood preflight "$app"
"$@"
lastgood watch "$app" ${WATCH_FOR:+--for "$WATCH_FOR"}
