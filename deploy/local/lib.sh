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
# Not 5432: that is where Debian's own clusters listen.
PG_PORT="${PG_PORT:-54320}"

# FerretDB's storage: postgresql (default; needs the postgres component) or sqlite.
FERRETDB_BACKEND="${FERRETDB_BACKEND:-postgresql}"
case "$FERRETDB_BACKEND" in
  postgresql|postgres|pg) FERRETDB_BACKEND=postgresql ;;
  sqlite) ;;
  *) printf '[local-stack] ERROR: FERRETDB_BACKEND=%s (expected postgresql or sqlite)\n' "$FERRETDB_BACKEND" >&2; exit 1 ;;
esac

# Elasticsearch runtime.
ES_JAVA_HOME="${ES_JAVA_HOME:-/usr/lib/jvm/java-17-openjdk-amd64}"
ES_HEAP="${ES_HEAP:-1g}"
ES_USER="${ES_USER:-esrun}"
ES_HOME="$STACK_DIR/elasticsearch-$ES_VERSION"
ES_ZIP_URL="${ES_ZIP_URL:-https://repo1.maven.org/maven2/org/elasticsearch/distribution/integ-test-zip/elasticsearch/$ES_VERSION/elasticsearch-$ES_VERSION.zip}"

# PostgreSQL runtime: Debian's server binaries (/usr/lib/postgresql/<major>/bin, the highest major
# present, or PG_BINDIR), run as the same unprivileged user as Elasticsearch (it refuses root too).
PG_USER="${PG_USER:-$ES_USER}"
PG_APT_MAJOR="${PG_APT_MAJOR:-15}"  # what install.sh asks apt for when no server is installed
PG_DATABASE=ferretdb                # database and superuser role FerretDB uses
PG_ROLE=ferretdb

# Timeouts (seconds).
ES_START_TIMEOUT="${ES_START_TIMEOUT:-180}"
START_TIMEOUT="${START_TIMEOUT:-60}"
STOP_TIMEOUT="${STOP_TIMEOUT:-30}"

# Caches shared by every clone on this machine.
CACHE_DIR="${PB_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/partybuilding}"
# Build with the Go that is installed; never switch toolchains behind the user's back.
export GOTOOLCHAIN="${GOTOOLCHAIN:-local}"

ALL_COMPONENTS=(postgres ferretdb elasticsearch nats)

# ---------------------------------------------------------------------------
# Generic helpers
# ---------------------------------------------------------------------------
log() { printf '[local-stack] %s\n' "$*" >&2; }
die() { printf '[local-stack] ERROR: %s\n' "$*" >&2; exit 1; }

# resolve_components [name...] -> sets COMPONENTS (default: all), without duplicates and in the
# order of ALL_COMPONENTS (postgres before ferretdb). Accepts a few aliases.
# COMPONENTS_DEFAULTED=1 when no name was given.
resolve_components() {
  COMPONENTS=()
  COMPONENTS_DEFAULTED=0
  if [ "$#" -eq 0 ]; then COMPONENTS=("${ALL_COMPONENTS[@]}"); COMPONENTS_DEFAULTED=1; return; fi
  local c picked=" "
  for c in "$@"; do
    case "$c" in
      postgres|postgresql|pg) picked+="postgres " ;;
      ferretdb|ferret|mongo|mongodb) picked+="ferretdb " ;;
      elasticsearch|es|elastic) picked+="elasticsearch " ;;
      nats|nats-server) picked+="nats " ;;
      -h|--help) printf 'usage: %s [postgres|ferretdb|elasticsearch|nats ...]  (default: all)\n' "$(basename "$0")"; exit 0 ;;
      *) die "unknown component '$c' (expected: ${ALL_COMPONENTS[*]})" ;;
    esac
  done
  for c in "${ALL_COMPONENTS[@]}"; do
    case "$picked" in *" $c "*) COMPONENTS+=("$c") ;; esac
  done
}

has_component() { # name list...
  local want="$1" c; shift
  for c in "$@"; do [ "$c" = "$want" ] && return 0; done
  return 1
}

# The backend FerretDB runs on: the one recorded by the running FerretDB, else FERRETDB_BACKEND.
ferretdb_backend() {
  local b
  if running_pid ferretdb >/dev/null; then
    b="$(sed -n 's/^FERRETDB_BACKEND=//p' "$(runtime_env_file ferretdb)" 2>/dev/null)"
    if [ -n "$b" ]; then echo "$b"; return; fi
    # Started before the backend was recorded: only SQLite existed then.
    echo sqlite; return
  fi
  echo "$FERRETDB_BACKEND"
}

# with_dependencies: for start and install. FerretDB on PostgreSQL needs postgres, so it joins
# the list (before ferretdb); by default (no names) postgres is left out when FerretDB uses SQLite.
with_dependencies() {
  local need_pg=0 c out=()
  if has_component ferretdb "${COMPONENTS[@]}" && [ "$(ferretdb_backend)" = postgresql ]; then need_pg=1; fi
  for c in "${ALL_COMPONENTS[@]}"; do
    if [ "$c" = postgres ]; then
      if [ "$need_pg" -eq 1 ]; then out+=(postgres); continue; fi
      if [ "$COMPONENTS_DEFAULTED" -eq 1 ]; then continue; fi
    fi
    has_component "$c" "${COMPONENTS[@]}" && out+=("$c")
  done
  COMPONENTS=("${out[@]}")
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
    postgres) echo "$BIN_DIR/postgresql/postgres" ;;
    ferretdb) echo "$BIN_DIR/ferretdb" ;;
    elasticsearch) echo "$ES_HOME/bin/elasticsearch" ;;
    nats) echo "$BIN_DIR/nats-server" ;;
  esac
}
comp_version() {
  case "$1" in
    postgres) pg_major "$(pg_find_bindir)" ;;
    # The patches are part of what is installed: a new one re-builds the binary.
    ferretdb) echo "$FERRETDB_VERSION+$(ferretdb_patches | xargs -r -n1 basename | sed 's/\.patch$//' | paste -sd+ -)" ;;
    elasticsearch) echo "$ES_VERSION" ;;
    nats) echo "$NATS_VERSION" ;;
  esac
}
# String that must appear in /proc/PID/cmdline of our process (guards against reused pids
# and against the same component of another clone).
comp_marker() {
  case "$1" in
    elasticsearch) echo "$ES_HOME" ;;
    # Every clone runs the same /usr/lib/postgresql/N/bin/postgres: its data dir tells ours apart.
    postgres) echo "-D $DATA_DIR/postgres " ;;
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
    postgres) echo "$DATA_DIR/postgres" ;;
    ferretdb) echo "$DATA_DIR/ferretdb $DATA_DIR/ferretdb-state" ;;
    elasticsearch) echo "$DATA_DIR/elasticsearch" ;;
    nats) echo "$DATA_DIR/nats" ;;
  esac
}
comp_url() {
  case "$1" in
    postgres) pg_url ;;
    ferretdb) echo "mongodb://127.0.0.1:$MONGO_PORT" ;;
    elasticsearch) echo "http://127.0.0.1:$ES_PORT" ;;
    nats) echo "nats://127.0.0.1:$NATS_PORT" ;;
  esac
}
comp_ports() {
  case "$1" in
    postgres) echo "PG_PORT" ;;
    ferretdb) echo "MONGO_PORT FERRETDB_DEBUG_PORT" ;;
    elasticsearch) echo "ES_PORT ES_TRANSPORT_PORT" ;;
    nats) echo "NATS_PORT NATS_MONITOR_PORT" ;;
  esac
}
comp_timeout() { if [ "$1" = elasticsearch ]; then echo "$ES_START_TIMEOUT"; else echo "$START_TIMEOUT"; fi; }

healthy() {
  case "$1" in
    postgres) pg_ready && pg_has_database ;;
    ferretdb) http_ok "http://127.0.0.1:$FERRETDB_DEBUG_PORT/debug/readyz" && ferretdb_backend_up ;;
    elasticsearch) http_ok "http://127.0.0.1:$ES_PORT/_cluster/health?wait_for_status=yellow&timeout=1s" ;;
    nats) http_ok "http://127.0.0.1:$NATS_MONITOR_PORT/healthz?js-enabled-only=true" ;;
  esac
}

# FerretDB's readyz answers OK while its PostgreSQL is down (every request then fails): on that
# backend, FerretDB counts as healthy only while the PostgreSQL it was started with answers.
ferretdb_backend_up() {
  [ "${FERRETDB_BACKEND:-}" = postgresql ] || return 0
  local port
  port="$(sed -n 's|^FERRETDB_BACKEND_URL=postgres://[^@]*@127\.0\.0\.1:\([0-9]*\)/.*|\1|p' "$(runtime_env_file ferretdb)" 2>/dev/null)"
  PG_PORT="${port:-$PG_PORT}" pg_ready
}

# Signal that stops a component cleanly. PostgreSQL's SIGTERM ("smart" shutdown) waits for every
# client to disconnect; SIGINT ("fast") ends the sessions and still shuts down cleanly.
comp_stop_signal() { if [ "$1" = postgres ]; then echo INT; else echo TERM; fi; }

# Record the ports a component was started with, so status/stop see them later without env.
# FerretDB also records its backend (and the backend's URL) for status.sh.
save_runtime_env() {
  local v f; f="$(runtime_env_file "$1")"
  : >"$f"
  for v in $(comp_ports "$1"); do printf '%s=%s\n' "$v" "${!v}" >>"$f"; done
  if [ "$1" = ferretdb ]; then
    printf 'FERRETDB_BACKEND=%s\nFERRETDB_BACKEND_URL=%s\n' "$FERRETDB_BACKEND" "$(ferretdb_backend_url)" >>"$f"
  fi
}
load_runtime_env() {
  local f line; f="$(runtime_env_file "$1")"
  [ -f "$f" ] || return 0
  while IFS= read -r line; do
    case "$line" in
      [A-Z_]*=[0-9]*) export "${line?}" ;;
      FERRETDB_BACKEND=postgresql|FERRETDB_BACKEND=sqlite) export "${line?}" ;;
    esac
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
  case "$1" in
    elasticsearch) echo "$(log_file elasticsearch) $LOG_DIR/elasticsearch/partybuilding-local.log" ;;
    postgres) echo "$(log_file postgres) $(log_file postgres-initdb)" ;;
    *) log_file "$1" ;;
  esac
}

# prepare_after_ready COMP: one-time setup once the server answers (postgres: FerretDB's
# database); succeeds when the component is healthy afterwards.
prepare_after_ready() {
  case "$1" in
    postgres) pg_ready && pg_create_database && healthy postgres ;;
    *) return 1 ;;
  esac
}

# wait_healthy COMP: waits until healthy; fails fast if the process dies.
wait_healthy() {
  local comp="$1" timeout start now
  timeout="$(comp_timeout "$comp")"
  start=$SECONDS
  while :; do
    if healthy "$comp" || prepare_after_ready "$comp"; then return 0; fi
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
  kill -"$(comp_stop_signal "$comp")" "${pids[@]}" 2>/dev/null || true
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

# stop_components COMP... : stops them in parallel (ES takes a few seconds to shut down), except
# postgres, which stops only once FerretDB (its client) has stopped.
stop_components() {
  local c p rc=0 pids=() ferret="" pg=0
  for c in "$@"; do
    case "$c" in
      postgres) pg=1 ;;
      ferretdb) stop_component ferretdb & ferret="$!" ;;
      *) stop_component "$c" & pids+=("$!") ;;
    esac
  done
  if [ -n "$ferret" ]; then wait "$ferret" || rc=1; fi
  if [ "$pg" -eq 1 ]; then
    if [ -z "$ferret" ] && running_pid ferretdb >/dev/null && [ "$(ferretdb_backend)" = postgresql ]; then
      log "postgres: warning: ferretdb (pid $(running_pid ferretdb)) runs on it and answers errors until postgres is started again (start.sh postgres)"
    fi
    stop_component postgres || rc=1
  fi
  for p in "${pids[@]}"; do wait "$p" || rc=1; done
  return "$rc"
}

# reset_components COMP... : stops them and deletes their data. FerretDB keeps its data in
# PostgreSQL, so resetting ferretdb resets postgres too; resetting postgres stops a FerretDB
# running on it (it caches the list of databases and collections) but keeps the SQLite files.
reset_components() {
  local c d list=("$@")
  if has_component ferretdb "${list[@]}" && ! has_component postgres "${list[@]}"; then
    list=(postgres "${list[@]}")
    log "ferretdb: its data lives in PostgreSQL too: resetting postgres as well"
  fi
  if has_component postgres "${list[@]}" && ! has_component ferretdb "${list[@]}" \
      && [ "$(ferretdb_backend)" = postgresql ] && running_pid ferretdb >/dev/null; then
    log "postgres: ferretdb runs on it: stopping ferretdb first (start.sh starts both again)"
    stop_components ferretdb
  fi
  stop_components "${list[@]}"
  for c in "${list[@]}"; do
    for d in $(data_dirs "$c"); do
      if [ -e "$d" ]; then rm -rf "$d"; log "$c: deleted $d"; fi
    done
  done
}

# ---------------------------------------------------------------------------
# Install
# ---------------------------------------------------------------------------
is_installed() {
  [ -x "$(comp_binary "$1")" ] && stamp_matches "$1" "$(comp_version "$1")" || return 1
  # postgres: the link must still point at the server that would be chosen now.
  if [ "$1" = postgres ]; then [ "$(readlink "$BIN_DIR/postgresql")" = "$(pg_find_bindir)" ]; fi
}

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

# Patches applied to FerretDB's source before building (deploy/local/patches/ferretdb-*.patch).
ferretdb_patches() { find "$LIB_DIR/patches" -maxdepth 1 -name 'ferretdb-*.patch' 2>/dev/null | sort; }

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
  local patch_file
  for patch_file in $(ferretdb_patches); do
    command -v patch >/dev/null || die "ferretdb: 'patch' is required to apply $patch_file"
    patch -d "$dir" -p1 --forward --quiet <"$patch_file" || die "ferretdb: $patch_file does not apply to $FERRETDB_VERSION"
    log "ferretdb: applied $(basename "$patch_file")"
  done
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

# ensure_user COMP USER: the unprivileged system user a component that refuses root runs as.
ensure_user() {
  local comp="$1" user="$2"
  id -u "$user" >/dev/null 2>&1 && return 0
  [ "$(id -u)" -eq 0 ] || die "$comp: user '$user' is missing and only root can create it"
  log "$comp: creating system user '$user' ($comp refuses to run as root)"
  useradd --system --user-group --no-create-home --home-dir /nonexistent \
    --shell /usr/sbin/nologin "$user"
}
ensure_es_user() { ensure_user elasticsearch "$ES_USER"; }

# PostgreSQL: Debian installs each major's server in /usr/lib/postgresql/<major>/bin.
# pg_find_bindir -> PG_BINDIR if set, else the highest major present; empty when there is none.
pg_find_bindir() {
  if [ -n "${PG_BINDIR:-}" ]; then
    if [ -x "$PG_BINDIR/postgres" ]; then (cd "$PG_BINDIR" && pwd -P); fi
    return 0
  fi
  local d v best="" bestv=-1
  for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/postgres" ] || continue
    v="${d%/bin}"; v="${v##*/}"
    case "$v" in ''|*[!0-9]*) continue ;; esac
    if [ "$v" -gt "$bestv" ]; then best="$d"; bestv="$v"; fi
  done
  echo "$best"
}
# pg_major BINDIR -> the server's major version (e.g. 15); PG_APT_MAJOR when BINDIR is empty
# (what install would bring in).
pg_major() {
  local d="$1" v
  if [ -z "$d" ]; then echo "$PG_APT_MAJOR"; return; fi
  v="${d%/bin}"; v="${v##*/}"
  case "$v" in
    ''|*[!0-9]*) "$d/postgres" --version 2>/dev/null | sed -n 's/^[^0-9]*\([0-9][0-9]*\).*/\1/p' ;;
    *) echo "$v" ;;
  esac
}

install_postgres() {
  local dir t
  dir="$(pg_find_bindir)"
  if [ -z "$dir" ] && [ -n "${PG_BINDIR:-}" ]; then die "postgres: PG_BINDIR=$PG_BINDIR holds no executable 'postgres'"; fi
  if [ -z "$dir" ]; then
    [ "$(id -u)" -eq 0 ] || die "postgres: no PostgreSQL server in /usr/lib/postgresql/*/bin; as root run 'apt-get install postgresql-$PG_APT_MAJOR' (or set PG_BINDIR to a server's bin dir)"
    command -v apt-get >/dev/null || die "postgres: no PostgreSQL server found and apt-get is not available (set PG_BINDIR)"
    log "postgres: installing the Debian package postgresql-$PG_APT_MAJOR"
    DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$PG_APT_MAJOR" >&2 \
      || { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q "postgresql-$PG_APT_MAJOR" >&2; } \
      || die "postgres: apt-get install postgresql-$PG_APT_MAJOR failed"
    # The package creates and starts a system cluster on port 5432; ours runs from .local instead.
    if command -v pg_ctlcluster >/dev/null; then pg_ctlcluster "$PG_APT_MAJOR" main stop >/dev/null 2>&1 || true; fi
    if command -v systemctl >/dev/null && [ -d /run/systemd/system ]; then
      systemctl disable --now postgresql >/dev/null 2>&1 || true
    fi
    dir="$(pg_find_bindir)"
    [ -n "$dir" ] || die "postgres: postgresql-$PG_APT_MAJOR installed but no /usr/lib/postgresql/*/bin/postgres found"
  fi
  for t in postgres initdb pg_isready psql createdb; do
    [ -x "$dir/$t" ] || die "postgres: $dir/$t is missing (Debian: postgresql-<major> and postgresql-client-<major>)"
  done
  rm -f "$BIN_DIR/postgresql"
  ln -s "$dir" "$BIN_DIR/postgresql"
  STAMP_NOTE="$dir: $("$dir/postgres" --version 2>&1 | head -n 1)"
  "$BIN_DIR/postgresql/postgres" --version >/dev/null 2>&1 || die "postgres: $dir/postgres does not run"
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

ferretdb_backend_url() {
  if [ "$FERRETDB_BACKEND" = sqlite ]; then echo "file:$DATA_DIR/ferretdb/"; else pg_url; fi
}

start_ferretdb() {
  local backend=()
  mkdir -p "$DATA_DIR/ferretdb-state"
  if [ "$FERRETDB_BACKEND" = sqlite ]; then
    mkdir -p "$DATA_DIR/ferretdb"
    backend=(--handler=sqlite --sqlite-url="$(ferretdb_backend_url)")
  else
    backend=(--handler=postgresql --postgresql-url="$(ferretdb_backend_url)")
  fi
  launch ferretdb "$(log_file ferretdb)" "$BIN_DIR/ferretdb" \
    --listen-addr="127.0.0.1:$MONGO_PORT" \
    "${backend[@]}" \
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

# An unprivileged stack user (ES_USER, PG_USER) must be able to reach STACK_DIR. If some parent
# directory is not traversable (e.g. a clone under /root, mode 700), grant it search permission on
# that directory: only for that user through an ACL when setfacl exists, otherwise o+x (search,
# not read).
as_user() { local u="$1"; shift; setpriv --reuid="$(id -u "$u")" --regid="$(id -g "$u")" --clear-groups -- "$@"; }
as_es_user() { as_user "$ES_USER" "$@"; }

# ensure_reachable COMP USER
ensure_reachable() {
  local comp="$1" user="$2"
  as_user "$user" test -x "$STACK_DIR" && return 0
  local p="" part
  local -a parts
  IFS=/ read -r -a parts <<<"${STACK_DIR#/}"
  for part in "${parts[@]}"; do
    p="$p/$part"
    as_user "$user" test -x "$p" && continue
    if command -v setfacl >/dev/null && setfacl -m "u:$user:x" "$p" 2>/dev/null; then
      log "$comp: granted '$user' search permission on $p (ACL u:$user:x)"
    else
      chmod o+x "$p"
      log "$comp: granted search permission on $p (chmod o+x) so '$user' can reach $STACK_DIR"
    fi
  done
  as_user "$user" test -x "$STACK_DIR" || die "$comp: user '$user' still cannot reach $STACK_DIR"
}
ensure_es_reachable() { ensure_reachable elasticsearch "$ES_USER"; }

# PostgreSQL refuses to run as root: as root it runs as PG_USER; otherwise as ourselves.
as_pg_user() { if [ "$(id -u)" -eq 0 ]; then as_user "$PG_USER" "$@"; else "$@"; fi; }
pg_bin() { echo "$BIN_DIR/postgresql/$1"; }
pg_url() { echo "postgres://$PG_ROLE@127.0.0.1:$PG_PORT/$PG_DATABASE"; }
# Clients connect over TCP as PG_ROLE; -X skips any ~/.psqlrc.
pg_ready() { PGCONNECT_TIMEOUT=3 "$(pg_bin pg_isready)" -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres -t 3 2>/dev/null; }
pg_psql() { PGCONNECT_TIMEOUT=3 "$(pg_bin psql)" -X -q -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" -d postgres -v ON_ERROR_STOP=1 "$@"; }
pg_has_database() { [ "$(pg_psql -tAc "SELECT 1 FROM pg_database WHERE datname = '$PG_DATABASE'" 2>/dev/null)" = 1 ]; }
pg_create_database() {
  pg_has_database && return 0
  log "postgres: creating database '$PG_DATABASE'"
  PGCONNECT_TIMEOUT=3 "$(pg_bin createdb)" -h 127.0.0.1 -p "$PG_PORT" -U "$PG_ROLE" "$PG_DATABASE" 2>&1 | sed 's/^/[local-stack] postgres: /' >&2
  pg_has_database
}

# First start: initdb. The superuser is PG_ROLE and authentication is "trust": the server listens
# on 127.0.0.1 only (and on a socket in .local/run/postgres), for this machine's local stack.
pg_init_data_dir() {
  local data="$1" logf; logf="$(log_file postgres-initdb)"
  if [ -e "$data" ] && [ -n "$(ls -A "$data" 2>/dev/null)" ]; then
    die "postgres: $data is not empty but holds no PostgreSQL cluster (PG_VERSION missing); 'reset.sh postgres' deletes it"
  fi
  mkdir -p "$data"
  if [ "$(id -u)" -eq 0 ]; then chown "$PG_USER:" "$data"; fi
  chmod 700 "$data"
  log "postgres: initialising $data (initdb, superuser '$PG_ROLE', trust auth on loopback)"
  if ! (cd / && export LC_ALL=C.UTF-8 && as_pg_user "$(pg_bin initdb)" -D "$data" -U "$PG_ROLE" \
      --auth=trust -E UTF8 --locale=C.UTF-8) >"$logf" 2>&1; then
    tail_logs "$logf"
    rm -rf "$data"
    die "postgres: initdb failed"
  fi
}

start_postgres() {
  local data="$DATA_DIR/postgres" run="$RUN_DIR/postgres" v extra=()
  if [ "$(id -u)" -eq 0 ]; then
    ensure_user postgres "$PG_USER"
    ensure_reachable postgres "$PG_USER"
  fi
  if [ ! -s "$data/PG_VERSION" ]; then pg_init_data_dir "$data"; fi
  v="$(cat "$data/PG_VERSION")"
  if [ "$v" != "$(comp_version postgres)" ]; then
    die "postgres: $data was made by PostgreSQL $v but the server is $(comp_version postgres) ($(readlink "$BIN_DIR/postgresql")); set PG_BINDIR to a $v server, or 'reset.sh postgres' (deletes FerretDB's data)"
  fi
  mkdir -p "$run"
  if [ "$(id -u)" -eq 0 ]; then
    [ "$(stat -c %U "$data")" = "$PG_USER" ] || chown -R "$PG_USER:" "$data"
    chown "$PG_USER:" "$run"
  fi
  # PG_EXTRA_OPTS: more server options, split on spaces (e.g. "-c fsync=off -c work_mem=64MB").
  read -r -a extra <<<"${PG_EXTRA_OPTS:-}"
  local user=()
  if [ "$(id -u)" -eq 0 ]; then
    user=(setpriv --reuid="$(id -u "$PG_USER")" --regid="$(id -g "$PG_USER")" --clear-groups --)
  fi
  # "postgres -D" rather than pg_ctl, so the pid launch records is the postmaster's.
  launch postgres "$(log_file postgres)" \
    env -C / LC_ALL=C.UTF-8 "${user[@]}" \
    "$(pg_bin postgres)" -D "$data" \
    -c listen_addresses=127.0.0.1 -p "$PG_PORT" \
    -c unix_socket_directories="$run" \
    -c shared_buffers=256MB -c synchronous_commit=off -c max_connections=200 \
    "${extra[@]}"
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

# wait_ready COMP: waits until healthy and prints its "NAME ready URL (Ns)" line on stdout.
# The component's recorded ports (if it was already running) apply to its own check only.
wait_ready() {
  local comp="$1" t0=${EPOCHREALTIME/[.,]/}
  ( load_runtime_env "$comp"; wait_healthy "$comp" \
      && printf '%-14s ready  %s  (%ss)\n' "$comp" "$(comp_url "$comp")" "$(elapsed_since "$t0")" )
}

# start_components COMP...: installs everything first, then launches all and waits, so the slow
# starters overlap. FerretDB on PostgreSQL is launched only once postgres is healthy and holds its
# database. Dies naming the components that did not become healthy.
start_components() {
  local c failed=() waited=() deferred=0
  for c in "$@"; do install_component "$c"; done
  if has_component ferretdb "$@" && has_component postgres "$@" && [ "$(ferretdb_backend)" = postgresql ]; then
    deferred=1
  fi
  for c in "$@"; do
    if [ "$c" = ferretdb ] && [ "$deferred" -eq 1 ]; then continue; fi
    start_component "$c"
  done
  if [ "$deferred" -eq 1 ]; then
    waited+=(postgres)
    if wait_ready postgres; then
      # Ports recorded by an already running postgres: FerretDB must use those.
      load_runtime_env postgres
      start_component ferretdb
    else
      failed+=(postgres)
      waited+=(ferretdb)
      if running_pid ferretdb >/dev/null; then
        log "ferretdb: left running but without its database (postgres is not healthy)"
      else
        log "ferretdb: not started (postgres is not healthy)"
      fi
      failed+=(ferretdb)
    fi
  fi
  for c in "$@"; do
    has_component "$c" "${waited[@]}" && continue
    wait_ready "$c" || failed+=("$c")
  done
  if [ "${#failed[@]}" -gt 0 ]; then
    die "not healthy: ${failed[*]} (logs in $LOG_DIR)"
  fi
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

# status_component COMP -> prints one line; returns 0 when running and healthy, or (status.sh
# without names) when it is postgres, stopped, and not needed because FerretDB runs on SQLite.
status_component() {
  local comp="$1" pid state note=""
  if pid="$(running_pid "$comp")"; then
    (
      load_runtime_env "$comp"
      if healthy "$comp"; then state="healthy"; else state="UNHEALTHY"; fi
      if [ "$comp" = ferretdb ]; then
        note="  backend ${FERRETDB_BACKEND:-?} $(sed -n 's/^FERRETDB_BACKEND_URL=//p' "$(runtime_env_file ferretdb)" 2>/dev/null)"
      fi
      printf '%-14s running (pid %s)  %-9s  %s%s\n' "$comp" "$pid" "$state" "$(comp_url "$comp")" "$note"
      [ "$state" = healthy ]
    )
  else
    local inst="installed"; is_installed "$comp" || inst="not installed"
    if [ "$comp" = postgres ] && [ "${COMPONENTS_DEFAULTED:-0}" -eq 1 ] && [ "$(ferretdb_backend)" = sqlite ]; then
      printf '%-14s STOPPED  (%s; not needed: FerretDB on SQLite)\n' "$comp" "$inst"
      return 0
    fi
    printf '%-14s STOPPED  (%s)\n' "$comp" "$inst"
    return 1
  fi
}
