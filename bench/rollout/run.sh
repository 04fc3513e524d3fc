#!/usr/bin/env bash
# Rolling upgrade under load: see README.md. Options are passed to src/run.ts.
# The stack is the one the environment names (MONGO_PORT, NATS_PORT, ES_PORT, STACK_DIR, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
bash deploy/local/start.sh >/dev/null
npx turbo run build --output-logs=errors-only >/dev/null || echo "rollout: the build failed for some workspace; services without a build are left out" >&2
# The run stops itself (--max-minutes, default 15); this is the backstop.
timeout --signal=INT --kill-after=30 20m npx tsx "$here/src/run.ts" "$@"
