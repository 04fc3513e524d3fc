#!/usr/bin/env bash
# Stop local stack components gracefully (SIGTERM, PostgreSQL SIGINT, then SIGKILL after
# STOP_TIMEOUT). Idempotent. FerretDB stops before postgres.
# usage: deploy/local/stop.sh [postgres|ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
take_lock
stop_components "${COMPONENTS[@]}"
