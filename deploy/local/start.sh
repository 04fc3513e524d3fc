#!/usr/bin/env bash
# Install (if needed) and start the local stack components, then wait until they are healthy.
# Already running components are left alone. Exit 0 only when all requested ones are healthy.
# usage: deploy/local/start.sh [ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
take_lock
# Install everything first, then launch all, then wait: the slow starters overlap.
for c in "${COMPONENTS[@]}"; do install_component "$c"; done
for c in "${COMPONENTS[@]}"; do start_component "$c"; done
failed=()
for c in "${COMPONENTS[@]}"; do
  t0=${EPOCHREALTIME/[.,]/}
  # Each component's recorded ports (if it was already running) apply to its own check only.
  if ( load_runtime_env "$c"; wait_healthy "$c" && printf '%-14s ready  %s  (%ss)\n' "$c" "$(comp_url "$c")" "$(elapsed_since "$t0")" ); then
    :
  else
    failed+=("$c")
  fi
done
if [ "${#failed[@]}" -gt 0 ]; then
  die "not healthy: ${failed[*]} (logs in $LOG_DIR)"
fi
