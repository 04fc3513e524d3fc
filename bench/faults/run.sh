#!/usr/bin/env bash
# The fault suite (see README.md) on a stack of its own: other ports and data folder than the
# shared local stack, started here and stopped at the end (only its own processes, by the pid
# files of its STACK_DIR). Options are passed to src/run.ts.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"
export STACK_DIR="${FAULTS_STACK_DIR:-$repo/.local-faults}"
export MONGO_PORT="${FAULTS_MONGO_PORT:-27217}" FERRETDB_DEBUG_PORT="${FAULTS_FERRETDB_DEBUG_PORT:-27218}"
export PG_PORT="${FAULTS_PG_PORT:-54520}" ES_PORT="${FAULTS_ES_PORT:-9220}" ES_TRANSPORT_PORT="${FAULTS_ES_TRANSPORT_PORT:-9320}"
export NATS_PORT="${FAULTS_NATS_PORT:-4242}" NATS_MONITOR_PORT="${FAULTS_NATS_MONITOR_PORT:-8242}" ES_HEAP="${ES_HEAP:-512m}"
started_stack=0
if ! bash deploy/local/status.sh >/dev/null 2>&1; then started_stack=1; fi
bash deploy/local/start.sh
# Stops the suite's own stack (never the shared one: STACK_DIR is this run's).
[[ $started_stack == 1 && -z ${KEEP_STACK:-} ]] && trap 'bash deploy/local/stop.sh' EXIT
npx turbo run build --output-logs=errors-only >/dev/null || echo "faults: the build failed for some workspace; services without a build are left out" >&2
# The run stops itself (--max-minutes, default 30); this is the backstop.
timeout --signal=INT --kill-after=30 40m npx tsx "$here/src/run.ts" "$@"
