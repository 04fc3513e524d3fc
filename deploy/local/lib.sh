# shellcheck shell=bash
# Shared functions for the local stack scripts (install/start/stop/status/reset).
# Sourced, never executed. Callers run with `set -euo pipefail`.

# ---------------------------------------------------------------------------
# Paths and settings
# ---------------------------------------------------------------------------
LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd -P)"
REPO_ROOT="$(cd "$LIB_DIR/../.." && pwd -P)"

STACK_DIR="${STACK_DIR:-$REPO_ROOT/.local}"
mkdir -p "$STACK_DIR"
STACK_DIR="$(cd "$STACK_DIR" && pwd -P)"
BIN_DIR="$STACK_DIR/bin"
DATA_DIR="$STACK_DIR/data"
LOG_DIR="$STACK_DIR/logs"
RUN_DIR="$STACK_DIR/run"
BUILD_DIR="$STACK_DIR/build"
STAMP_DIR="$STACK_DIR/stamps"

# Pinned versions.
FERRETDB_VERSION="${FERRETDB_VERSION:-v1.24.2}"
ES_VERSION="${ES_VERSION:-8.19.4}"
NATS_VERSION="${NATS_VERSION:-v2.15.3}"

# Ports (everything binds to 127.0.0.1).
MONGO_PORT="${MONGO_PORT:-27017}"
FERRETDB_DEBUG_PORT="${FERRETDB_DEBUG_PORT:-27018}"
ES_PORT="${ES_PORT:-9200}"
ES_TRANSPORT_PORT="${ES_TRANSPORT_PORT:-9300}"
NATS_PORT="${NATS_PORT:-4222}"
NATS_MONITOR_PORT="${NATS_MONITOR_PORT:-8222}"

# Elasticsearch runtime.
ES_JAVA_HOME="${ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
ES_HEAP="${ES_HEAP:-1g}"
ES_USER="${ES_USER:-esrun}"
ES_HOME="$STACK_DIR/elasticsearch-$ES_VERSION"
ES_ZIP_URL="${ES_ZIP_URL:-https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip}"

# Timeouts (seconds).
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
START_TIMEOUT="${START_TIMEOUT:-60}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

# Caches shared by every clone on this machine.
CACHE_DIR="${PB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/partybuilding}"
# Build with the Go that is installed; never switch toolchains behind the user's back.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

ALL_COMPONENTS=(ferretdb elasticsearch nats)

# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------
log() { printf '[local-stack] %s\n' "$*" >&2; }
die() { printf '[local-stack] ERROR: %s\n' "$*" >&2; exit 1; }

# resolve_components [name...] -> sets COMPONENTS (default: all). Accepts a few aliases.
resolve_components() {
  COMPONENTS=()
  if [ "$#" -eq 0 ]; then COMPONENTS=("${ALL_COMPONENTS[@]}"); return; fi
  local c
  for c in "$@"; do
    case "$c" in
      ferretdb|ferret|mongo|mongodb) COMPONENTS+=(ferretdb) ;;
      elasticsearch|es|elastic) COMPONENTS+=(elasticsearch) ;;
      nats|nats-server) COMPONENTS+=(nats) ;;
      -h|--help) printf 'usage: %s [ferretdb|elasticsearch|nats ...]  (default: all)\n' "$(basename "$0")"; exit 0 ;;
      *) die "unknown component '$c' (expected: ${ALL_COMPONENTS[*]})" ;;
    esac
  done
}

# Serialise start/stop/install/reset across concurrent invocations.
take_lock() {
  mkdir -p "$RUN_DIR"
  exec 9>"$RUN_DIR/.lock"
  flock -w 600 9 || die "could not get the lock $RUN_DIR/.lock (another script still running?)"
}

port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# elapsed_since MICROS -> seconds with one decimal (MICROS from ${EPOCHREALTIME/[.,]/}).
elapsed_since() { local d=$(( ${EPOCHREALTIME/[.,]/} - $1 )); printf '%d.%d' $((d / 1000000)) $((d / 100000 % 10)); }

http_ok() { curl -fsS --noproxy '*' -m "${2:-5}" -o /dev/null "$1" 2>/dev/null; }

stamp_file() { echo "$STAMP_DIR/$1"; }
# A stamp's first line is the installed version; an optional second line is a note.
stamp_matches() { [ -f "$(stamp_file "$1")" ] && [ "$(head -n 1 "$(stamp_file "$1")")" = "$2" ]; }
write_stamp() { mkdir -p "$STAMP_DIR"; printf '%s\n' "$2" ${3:+"$3"} >"$(stamp_file "$1")"; }
stamp_note() { sed -n 2p "$(stamp_file "$1")" 2>/dev/null || true; }

# ---------------------------------------------------------------------------
# Per-component facts
# ---------------------------------------------------------------------------
comp_binary() {
  case "$1" in
    ferretdb) echo "$BIN_DIR/ferretdb" ;;
    elasticsearch) echo "$ES_HOME/bin/elasticsearch" ;;
    nats) echo "$BIN_DIR/nats-server" ;;
  esac
}
comp_version() {
  case "$1" in
    ferretdb) echo "$FERRETDB_VERSION" ;;
    elasticsearch) echo "$ES_VERSION" ;;
    nats) echo "$NATS_VERSION" ;;
  esac
}
# String that must appear in /proc/PID/cmdline of our process (guards against reused pids
# and against the same component of another clone).
comp_marker() {
  case "$1" in
    elasticsearch) echo "$ES_HOME" ;;
    *) comp_binary "$1" ;;
  esac
}
# Elasticsearch writes its own pid file (as $ES_USER) into a directory it owns.
pid_file() {
  case "$1" in
    elasticsearch) echo "$RUN_DIR/elasticsearch/elasticsearch.pid" ;;
    *) echo "$RUN_DIR/$1.pid" ;;
  esac
}
launcher_pid_file() { echo "$RUN_DIR/$1.launcher.pid"; }
log_file() { echo "$LOG_DIR/$1.log"; }
runtime_env_file() { echo "$RUN_DIR/$1.env"; }
data_dirs() {
  case "$1" in
    ferretdb) echo "$DATA_DIR/ferretdb $DATA_DIR/ferretdb-state" ;;
    elasticsearch) echo "$DATA_DIR/elasticsearch" ;;
    nats) echo "$DATA_DIR/nats" ;;
  esac
}
comp_url() {
  case "$1" in
    ferretdb) echo "mongodb://127.0.0.1:$MONGO_PORT" ;;
    elasticsearch) echo "http://127.0.0.1:$ES_PORT" ;;
    nats) echo "nats://127.0.0.1:$NATS_PORT" ;;
  esac
}
comp_ports() {
  case "$1" in
    ferretdb) echo "MONGO_PORT FERRETDB_DEBUG_PORT" ;;
    elasticsearch) echo "ES_PORT ES_TRANSPORT_PORT" ;;
    nats) echo "NATS_PORT NATS_MONITOR_PORT" ;;
  esac
}
comp_timeout() { if [ "$1" = elasticsearch ]; then echo "$ES_START_TIMEOUT"; else echo "$START_TIMEOUT"; fi; }

healthy() {
  case "$1" in
    ferretdb) http_ok "http://127.0.0.1:$FERRETDB_DEBUG_PORT/debug/readyz" ;;
    elasticsearch) http_ok "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" ;;
    nats) http_ok "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" ;;
  esac
}

# Record the ports a component was started with, so status/stop see them later without env.
save_runtime_env() {
  local v f; f="$(runtime_env_file "$1")"
  : >"$f"
  for v in $(comp_ports "$1"); do printf '%s=%s\n' "$v" "${!v}" >>"$f"; done
}
load_runtime_env() {
  local f line; f="$(runtime_env_file "$1")"
  [ -f "$f" ] || return 0
  while IFS= read -r line; do
    case "$line" in [A-Z_]*=[0-9]*) export "${line?}" ;; esac
  done <"$f"
}

# ---------------------------------------------------------------------------
# Processes
# ---------------------------------------------------------------------------
pid_matches() { # pid marker
  [ -n "$1" ] && kill -0 "$1" 2>/dev/null || return 1
  tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null | grep -qF -- "$2"
}
read_pidfile() { if [ -f "$1" ]; then tr -dc '0-9' <"$1"; fi; }

# running_pid COMP -> prints the pid of our live process (server, else launcher); fails if none.
running_pid() {
  local marker pid f
  marker="$(comp_marker "$1")"
  for f in "$(pid_file "$1")" "$(launcher_pid_file "$1")"; do
    pid="$(read_pidfile "$f")"
    if pid_matches "$pid" "$marker"; then echo "$pid"; return 0; fi
  done
  return 1
}
clear_pidfiles() { rm -f "$(pid_file "$1")" "$(launcher_pid_file "$1")" "$(runtime_env_file "$1")"; }

tail_logs() {
  local f first="${1:-}"
  for f in "$@"; do
    [ -s "$f" ] || continue
    # Secondary logs (ES's own log) only when written since this run's console log was created.
    if [ "$f" != "$first" ] && [ -e "$first" ] && ! [ "$f" -nt "$first" ]; then continue; fi
    printf -- '----- last lines of %s -----\n' "$f" >&2
    tail -n 25 "$f" >&2
  done
}
comp_logs() {
  if [ "$1" = elasticsearch ]; then
    echo "$(log_file elasticsearch) $LOG_DIR/elasticsearch/partybuilding-local.log"
  else
    log_file "$1"
  fi
}

# wait_healthy COMP: waits until healthy; fails fast if the process dies.
wait_healthy() {
  local comp="$1" timeout start now
  timeout="$(comp_timeout "$comp")"
  start=$SECONDS
  while :; do
    if healthy "$comp"; then return 0; fi
    if ! running_pid "$comp" >/dev/null; then
      log "$comp: process exited during startup"
      # shellcheck disable=SC2046
      tail_logs $(comp_logs "$comp")
      clear_pidfiles "$comp"
      return 1
    fi
    now=$SECONDS
    if [ $((now - start)) -ge "$timeout" ]; then
      log "$comp: not healthy after ${timeout}s (still running, pid $(running_pid "$comp" || true)); see logs"
      # shellcheck disable=SC2046
      tail_logs $(comp_logs "$comp")
      return 1
    fi
    sleep 0.5
  done
}

# stop_component COMP: SIGTERM, wait STOP_TIMEOUT, then SIGKILL. Idempotent.
stop_component() {
  local comp="$1" pid pids=() f i
  for f in "$(pid_file "$comp")" "$(launcher_pid_file "$comp")"; do
    pid="$(read_pidfile "$f")"
    if pid_matches "$pid" "$(comp_marker "$comp")"; then pids+=("$pid"); fi
  done
  if [ "${#pids[@]}" -eq 0 ]; then
    clear_pidfiles "$comp"
    log "$comp: not running"
    return 0
  fi
  log "$comp: stopping (pid ${pids[*]})"
  kill -TERM "${pids[@]}" 2>/dev/null || true
  for ((i = 0; i < STOP_TIMEOUT * 10; i++)); do
    local alive=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && alive=1; done
    [ "$alive" -eq 0 ] && break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if kill -0 "$pid" 2>/dev/null; then
      log "$comp: still running after ${STOP_TIMEOUT}s, sending SIGKILL to $pid"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  done
  clear_pidfiles "$comp"
  log "$comp: stopped"
}

# stop_components COMP... : stops them in parallel (ES takes a few seconds to shut down).
stop_components() {
  local c p rc=0 pids=()
  for c in "$@"; do stop_component "$c" & pids+=("$!"); done
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return "$rc"
}

# ---------------------------------------------------------------------------
# Install
# ---------------------------------------------------------------------------
is_installed() { [ -x "$(comp_binary "$1")" ] && stamp_matches "$1" "$(comp_version "$1")"; }

install_component() {
  local comp="$1" t0=$SECONDS
  if is_installed "$comp"; then return 0; fi
  mkdir -p "$BIN_DIR" "$BUILD_DIR" "$STAMP_DIR"
  log "$comp: installing $(comp_version "$comp") ..."
  STAMP_NOTE=""
  "install_$comp"
  write_stamp "$comp" "$(comp_version "$comp")" "$STAMP_NOTE"
  log "$comp: installed in $((SECONDS - t0))s"
}

need_go() { command -v go >/dev/null || die "go is required to build $1 (not found on PATH)"; }

install_ferretdb() {
  need_go ferretdb
  local mod="github.com/FerretDB/FerretDB" src dir
  # The module is fetched into the standard Go module cache (re-used by every clone).
  src="$(cd "$BUILD_DIR" && GOWORK=off GOFLAGS=-mod=mod go mod download -json "$mod@$FERRETDB_VERSION" \
    | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p')"
  if [ -z "$src" ] || [ ! -d "$src" ]; then die "ferretdb: go mod download of $mod@$FERRETDB_VERSION failed"; fi
  # build/version/version.txt is not part of the published module, and FerretDB panics at start
  # without it: build from a writable copy with that file written.
  dir="$BUILD_DIR/ferretdb-$FERRETDB_VERSION"
  rm -rf "$dir"
  cp -R "$src" "$dir"
  chmod -R u+w "$dir"
  printf '%s\n' "$FERRETDB_VERSION" >"$dir/build/version/version.txt"
  printf 'local\n' >"$dir/build/version/package.txt"
  (cd "$dir" && GOWORK=off GOFLAGS=-mod=mod go build -trimpath -buildvcs=false -o "$BIN_DIR/ferretdb.tmp" ./cmd/ferretdb) \
    || die "ferretdb: go build failed"
  mv -f "$BIN_DIR/ferretdb.tmp" "$BIN_DIR/ferretdb"
  rm -rf "$dir"
  "$BIN_DIR/ferretdb" --version >/dev/null 2>&1 || die "ferretdb: built binary does not run"
}

install_nats() {
  local ok=0
  if command -v go >/dev/null; then
    if (cd "$BUILD_DIR" && GOWORK=off GOBIN="$BIN_DIR" GOFLAGS=-mod=mod \
          go install -trimpath -buildvcs=false "github.com/nats-io/nats-server/v2@$NATS_VERSION"); then
      ok=1
    else
      log "nats: go install of nats-server $NATS_VERSION failed; falling back to the Debian package"
    fi
  else
    log "nats: go not found; falling back to the Debian package"
  fi
  if [ "$ok" -eq 0 ]; then
    if ! command -v nats-server >/dev/null && [ ! -x /usr/sbin/nats-server ]; then
      command -v apt-get >/dev/null || die "nats: cannot build nats-server and apt-get is not available"
      DEBIAN_FRONTEND=noninteractive apt-get install -y -q nats-server >&2 \
        || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q nats-server >&2; } \
        || die "nats: apt-get install nats-server failed"
      # The package enables a system-wide service on port 4222; ours runs from .local instead.
      if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
        systemctl disable --now nats-server >/dev/null 2>&1 || true
      fi
    fi
    local sys; sys="$(command -v nats-server || echo /usr/sbin/nats-server)"
    ln -sfn "$sys" "$BIN_DIR/nats-server"
    STAMP_NOTE="fallback: Debian package, $("$sys" --version 2>&1 | head -n 1)"
    log "nats: using $STAMP_NOTE (delete $(stamp_file nats) to retry the Go build)"
  fi
  "$BIN_DIR/nats-server" --version >/dev/null 2>&1 || die "nats: installed nats-server does not run"
}

ensure_es_user() {
  id -u "$ES_USER" >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || die "elasticsearch: user '$ES_USER' is missing and only root can create it"
  log "elasticsearch: creating system user '$ES_USER' (Elasticsearch refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$ES_USER"
}

install_elasticsearch() {
  local zip="$CACHE_DIR/elasticsearch-$ES_VERSION.zip" tmp
  mkdir -p "$CACHE_DIR"
  if [ ! -s "$zip" ]; then
    log "elasticsearch: downloading $ES_ZIP_URL"
    curl -fL --retry 3 --retry-delay 2 -sS -o "$zip.part" "$ES_ZIP_URL" \
      || { rm -f "$zip.part"; die "elasticsearch: download failed: $ES_ZIP_URL"; }
    local want got
    want="$(curl -fsSL --retry 3 "$ES_ZIP_URL.sha1" 2>/dev/null | awk '{print $1}' || true)"
    if [ -n "$want" ]; then
      got="$(sha1sum "$zip.part" | awk '{print $1}')"
      [ "$want" = "$got" ] || { rm -f "$zip.part"; die "elasticsearch: checksum mismatch for $ES_ZIP_URL"; }
    fi
    mv -f "$zip.part" "$zip"
  fi
  command -v unzip >/dev/null || die "elasticsearch: unzip is required"
  tmp="$STACK_DIR/.es-unpack.$$"
  rm -rf "$tmp" "$ES_HOME"
  mkdir -p "$tmp"
  unzip -q "$zip" -d "$tmp" || { rm -rf "$tmp"; die "elasticsearch: cannot unpack $zip (delete it to re-download)"; }
  mv "$tmp/elasticsearch-$ES_VERSION" "$ES_HOME"
  rm -rf "$tmp"
  ensure_es_user
  chown -R "$ES_USER:" "$ES_HOME"
}

# ---------------------------------------------------------------------------
# Start
# ---------------------------------------------------------------------------

# Launch a daemon in its own session, detached from our stdin/stdout and lock fd.
# launch COMP LOGFILE cmd... -> records the pid in the pid file (launcher pid file for ES).
launch() {
  local comp="$1" logf="$2" pidf; shift 2
  if [ "$comp" = elasticsearch ]; then pidf="$(launcher_pid_file "$comp")"; else pidf="$(pid_file "$comp")"; fi
  # One file per run (the previous run's stays as .1), so error tails show this run only.
  if [ -e "$logf" ]; then mv -f "$logf" "$logf.1"; fi
  setsid "$@" </dev/null >>"$logf" 2>&1 9>&- &
  echo "$!" >"$pidf"
}

check_ports_free() {
  local v
  for v in $(comp_ports "$1"); do
    if port_open "${!v}"; then
      die "$1: port ${!v} ($v) is already in use by another process; set $v to use another port"
    fi
  done
}

start_ferretdb() {
  mkdir -p "$DATA_DIR/ferretdb" "$DATA_DIR/ferretdb-state"
  launch ferretdb "$(log_file ferretdb)" "$BIN_DIR/ferretdb" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    --handler=sqlite \
    --sqlite-url="file:$DATA_DIR/ferretdb/" \
    --state-dir="$DATA_DIR/ferretdb-state" \
    --debug-addr="127.0.0.1:$FERRETDB_DEBUG_PORT" \
    --telemetry=disable \
    --log-level="${FERRETDB_LOG_LEVEL:-warn}"
}

start_nats() {
  mkdir -p "$DATA_DIR/nats"
  launch nats "$(log_file nats)" "$BIN_DIR/nats-server" \
    --jetstream --store_dir "$DATA_DIR/nats" \
    --addr 127.0.0.1 --port "$NATS_PORT" \
    --http_port "$NATS_MONITOR_PORT" \
    --server_name local \
    --pid "$(pid_file nats)" \
    --log "$(log_file nats)"
}

# The unprivileged ES user must be able to reach STACK_DIR. If some parent directory is not
# traversable (e.g. a clone under /root, mode 700), grant it search permission on that directory:
# only for that user through an ACL when setfacl exists, otherwise o+x (search, not read).
as_es_user() { setpriv --reuid="$(id -u "$ES_USER")" --regid="$(id -g "$ES_USER")" --clear-groups -- "$@"; }

ensure_es_reachable() {
  as_es_user test -x "$STACK_DIR" && return 0
  local p="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${STACK_DIR#/}"
  for part in "${parts[@]}"; do
    p="$p/$part"
    as_es_user test -x "$p" && continue
    if command -v setfacl >/dev/null && setfacl -m "u:$ES_USER:x" "$p" 2>/dev/null; then
      log "elasticsearch: granted '$ES_USER' search permission on $p (ACL u:$ES_USER:x)"
    else
      chmod o+x "$p"
      log "elasticsearch: granted search permission on $p (chmod o+x) so '$ES_USER' can reach $STACK_DIR"
    fi
  done
  as_es_user test -x "$STACK_DIR" || die "elasticsearch: user '$ES_USER' still cannot reach $STACK_DIR"
}

start_elasticsearch() {
  [ -x "$ES_JAVA_HOME/bin/java" ] || die "elasticsearch: no java at ES_JAVA_HOME=$ES_JAVA_HOME"
  ensure_es_user
  ensure_es_reachable
  local conf="$ES_HOME/config" run="$RUN_DIR/elasticsearch"
  mkdir -p "$DATA_DIR/elasticsearch" "$LOG_DIR/elasticsearch" "$run/tmp"
  [ "$(stat -c %U "$conf")" = "$ES_USER" ] || chown -R "$ES_USER:" "$ES_HOME"
  chown "$ES_USER:" "$DATA_DIR/elasticsearch" "$LOG_DIR/elasticsearch" "$run" "$run/tmp"
  # Loopback-only binding keeps the node in development mode (no production bootstrap checks).
  cat >"$conf/elasticsearch.yml" <<EOF
# Generated by deploy/local/start.sh on every start; edits are overwritten.
cluster.name: partybuilding-local
node.name: local
network.host: 127.0.0.1
http.port: $ES_PORT
transport.port: $ES_TRANSPORT_PORT
discovery.type: single-node
xpack.security.enabled: false
cluster.routing.allocation.disk.threshold_enabled: false
path.data: $DATA_DIR/elasticsearch
path.logs: $LOG_DIR/elasticsearch
EOF
  chown "$ES_USER:" "$conf/elasticsearch.yml"
  launch elasticsearch "$(log_file elasticsearch)" \
    env HOME="$run" ES_JAVA_HOME="$ES_JAVA_HOME" ES_JAVA_OPTS="-Xms$ES_HEAP -Xmx$ES_HEAP ${ES_EXTRA_JAVA_OPTS:-}" \
    ES_PATH_CONF="$conf" ES_TMPDIR="$run/tmp" \
    setpriv --reuid="$(id -u "$ES_USER")" --regid="$(id -g "$ES_USER")" --clear-groups -- \
    "$ES_HOME/bin/elasticsearch" -d -p "$(pid_file elasticsearch)"
}

# start_component COMP -> 0 if it was launched or already running.
start_component() {
  local comp="$1" pid
  if pid="$(running_pid "$comp")"; then
    load_runtime_env "$comp"
    log "$comp: already running (pid $pid)"
    return 0
  fi
  clear_pidfiles "$comp"
  is_installed "$comp" || install_component "$comp"
  mkdir -p "$DATA_DIR" "$LOG_DIR" "$RUN_DIR"
  check_ports_free "$comp"
  log "$comp: starting"
  "start_$comp"
  save_runtime_env "$comp"
}

# status_component COMP -> prints one line; returns 0 when running and healthy.
status_component() {
  local comp="$1" pid state
  if pid="$(running_pid "$comp")"; then
    (
      load_runtime_env "$comp"
      if healthy "$comp"; then state="healthy"; else state="UNHEALTHY"; fi
      printf '%-14s running (pid %s)  %-9s  %s\n' "$comp" "$pid" "$state" "$(comp_url "$comp")"
      [ "$state" = healthy ]
    )
  else
    local inst="installed"; is_installed "$comp" || inst="not installed"
    printf '%-14s STOPPED  (%s)\n' "$comp" "$inst"
    return 1
  fi
}
