#!/usr/bin/env bash
# Learning benchmark: see README.md. Options are passed to src/run.ts
# (--members N, --completions N, --via gateway|grpc, --seconds N, --keep, --reuse DIR, ...).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

started=$(date +%s)
npx turbo run build --output-logs=errors-only >/dev/null
echo "build: ok ($(( $(date +%s) - started )) s)"
# FerretDB and NATS; Elasticsearch is not needed here (left alone if it runs).
bash deploy/local/start.sh ferretdb nats >/dev/null
echo "stack: $(bash deploy/local/status.sh | awk '{print $1 "=" $2 "/" $5}' | tr '\n' ' ')"
bash "$here/../search-load/install-loadgen.sh"
# Bounded: a full-size run (100,000 members, 300,000 completions) takes hours on a small machine (see REPORT.md).
timeout --signal=INT --kill-after=60 8h npx tsx bench/learning/src/run.ts "$@"
