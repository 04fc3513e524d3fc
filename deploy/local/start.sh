#!/usr/bin/env bash
# Install (if needed) and start the local stack components, then wait until they are healthy.
# Already running components are left alone. Exit 0 only when all requested ones are healthy.
# FerretDB on PostgreSQL (the default backend) brings postgres along and starts after it.
# usage: deploy/local/start.sh [postgres|ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
with_dependencies
take_lock
start_components "${COMPONENTS[@]}"
