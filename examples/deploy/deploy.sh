#!/usr/bin/env bash
# A deploy wrapped by lastgood: snapshot what runs, deploy with your own tool, then watch the new release.
# `lastgood watch` soaks it with the app's triggers: it marks the release known good when the soak passes
# (exit 0), or rolls it back to the snapshot taken here and exits 1, which fails this script and the pipeline.
#
#   usage: deploy.sh APP VERSION -- DEPLOY-COMMAND [ARG…]
#   e.g.   deploy.sh shop "$GIT_SHA" -- bundle exec cap production deploy
#
# LASTGOOD_CONFIG names the configuration (default ./lastgood.yaml); WATCH_FOR the soak (default: the
# configuration's monitor.watch_for).
set -euo pipefail
app=${1:?usage: deploy.sh APP VERSION -- DEPLOY-COMMAND [ARG…]}
version=${2:?usage: deploy.sh APP VERSION -- DEPLOY-COMMAND [ARG…]}
shift 2
[ "${1:-}" = "--" ] && shift
[ $# -gt 0 ] || { echo "deploy.sh: no deploy command after --" >&2; exit 2; }

lastgood snapshot create "$app" --kind pre-deploy --label "before $version" --reason "deploy of $version"
"$@"
lastgood watch "$app" ${WATCH_FOR:+--for "$WATCH_FOR"}
