#!/usr/bin/env bash
# Search load benchmark: see README.md. Options are passed to src/run.ts
# (--fresh, --docs N, --duration S, --concurrency 1,8,32, --freshness N, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

started=$(date +%s)
bash "$here/install-loadgen.sh"
bash deploy/local/start.sh >/dev/null
echo "stack: $(bash deploy/local/status.sh | awk '{print $1 "=" $2 "/" $5}' | tr '\n' ' ')"
npx turbo run build --output-logs=errors-only >/dev/null
echo "build: ok ($(( $(date +%s) - started )) s so far)"
# The whole run is bounded: src/run.ts stops itself at --max-minutes (default 40); this is the backstop.
timeout --signal=INT --kill-after=60 50m npx tsx "$here/src/run.ts" "$@"
