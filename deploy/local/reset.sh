#!/usr/bin/env bash
# Stop the components and delete their data (binaries, downloads and logs are kept).
# usage: deploy/local/reset.sh [ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
take_lock
stop_components "${COMPONENTS[@]}"
for c in "${COMPONENTS[@]}"; do
  for d in $(data_dirs "$c"); do
    if [ -e "$d" ]; then rm -rf "$d"; log "$c: deleted $d"; fi
  done
done
