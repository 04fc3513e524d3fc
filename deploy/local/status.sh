#!/usr/bin/env bash
# Print each component's state and health; exit 1 if any is stopped or unhealthy.
# usage: deploy/local/status.sh [ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
rc=0
for c in "${COMPONENTS[@]}"; do status_component "$c" || rc=1; done
exit "$rc"
