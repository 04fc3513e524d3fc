#!/usr/bin/env bash
# Installs the HTTP load generator (vegeta, MIT licence) from the Go module proxy into a cache
# outside the repository. Idempotent: a no-op when the pinned version is already there.
#
# Why not k6: go.k6.io/k6 is AGPL-3.0; this workplace's package policy lists it as not to be
# used. vegeta replays a prepared target file (method, URL, body per request) with a fixed number
# of workers, which is the closed-loop "N virtual users" model the benchmark needs.
set -euo pipefail

VEGETA_VERSION="${VEGETA_VERSION:-v12.13.0}"
BIN_DIR="${PB_BENCH_BIN:-${PB_CACHE_DIR:-$HOME/.cache/partybuilding}/bin}"
STAMP="$BIN_DIR/.vegeta-$VEGETA_VERSION"

if [[ -x "$BIN_DIR/vegeta" && -f "$STAMP" ]]; then
  echo "vegeta $VEGETA_VERSION already installed: $BIN_DIR/vegeta"
  exit 0
fi
command -v go >/dev/null || { echo "install-loadgen: go is not on PATH" >&2; exit 1; }
mkdir -p "$BIN_DIR"
start=$(date +%s.%N)
# GOTOOLCHAIN=local: build with the machine's Go, never fetch another toolchain.
GOTOOLCHAIN=local GOBIN="$BIN_DIR" GOFLAGS=-buildvcs=false go install "github.com/tsenart/vegeta/v12@$VEGETA_VERSION"
end=$(date +%s.%N)
rm -f "$BIN_DIR"/.vegeta-*
touch "$STAMP"
printf 'vegeta %s installed in %s (%.1f s, %s)\n' "$VEGETA_VERSION" "$BIN_DIR/vegeta" "$(echo "$end - $start" | bc)" "$(go version)"
