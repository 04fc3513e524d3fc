#!/usr/bin/env bash
# Stop the components and delete their data (binaries, downloads and logs are kept).
# FerretDB's data lives in PostgreSQL too: resetting ferretdb resets postgres as well, and
# resetting postgres stops a FerretDB running on it.
# usage: deploy/local/reset.sh [postgres|ferretdb|elasticsearch|nats ...]
set -euo pipefail
# shellcheck source=lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

resolve_components "$@"
take_lock
reset_components "${COMPONENTS[@]}"
