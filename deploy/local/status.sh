#!/usr/bin/env bash
# Print each component's state and health; exit 1 if any is stopped or unhealthy (without names,
# a stopped postgres does not count while FerretDB runs on SQLite).
# usage: deploy/local/status.sh [postgres|ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
rc=0
for c in "${COMPONENTS[@]}"; do status_component "$c" || rc=1; done
exit "$rc"
