#!/usr/bin/env bash
# Feedback benchmark: see README.md. Options are passed to src/run.ts
# (--per-day N, --days N, --open-messages N, --seconds N, --keep, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

started=$(date +%s)
npx turbo run build --output-logs=errors-only >/dev/null
echo "build: ok ($(( $(date +%s) - started )) s)"
# Public search runs on Elasticsearch: the whole stack.
bash deploy/local/start.sh >/dev/null
echo "stack: $(bash deploy/local/status.sh | awk '{print $1 "=" $2 "/" $5}' | tr '\n' ' ')"
bash "$here/../search-load/install-loadgen.sh"
timeout --signal=INT --kill-after=60 120m npx tsx bench/feedback/src/run.ts "$@"
