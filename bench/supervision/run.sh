#!/usr/bin/env bash
# Supervision benchmark (the audit log's speed goals): see README.md. Options are passed to
# src/run.ts (--entries N, --live-rate N, --live-seconds N, --proof-seconds N, --keep, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

started=$(date +%s)
npx turbo run build --filter=@repo/supervision... --output-logs=errors-only >/dev/null
echo "build: ok ($(( $(date +%s) - started )) s)"
# FerretDB and NATS; Elasticsearch is not needed here (left alone if it runs).
bash deploy/local/start.sh ferretdb nats >/dev/null
echo "stack: $(bash deploy/local/status.sh | awk '{print $1 "=" $2 "/" $5}' | tr '\n' ' ')"
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
# The whole run is bounded: src/run.ts stops itself at --max-minutes (default 90); this is the backstop.
timeout --signal=INT --kill-after=60 100m npx tsx bench/supervision/src/run.ts "$@"
