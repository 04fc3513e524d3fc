#!/usr/bin/env bash
# Fetch/build the local stack components that are missing (default: all).
# usage: deploy/local/install.sh [postgres|ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
with_dependencies
take_lock
for c in "${COMPONENTS[@]}"; do
  if is_installed "$c"; then
    note="$(stamp_note "$c")"
    log "$c: $(comp_version "$c") already installed${note:+ ($note)}"
  else
    install_component "$c"
  fi
done
