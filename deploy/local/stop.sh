#!/usr/bin/env bash
# Stop local stack components gracefully (SIGTERM, then SIGKILL after STOP_TIMEOUT). Idempotent.
# usage: deploy/local/stop.sh [ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
take_lock
stop_components "${COMPONENTS[@]}"
