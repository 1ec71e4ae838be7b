#!/usr/bin/env bash
# The scale benchmark: cachet-monitor against nginx and the fake Cachet, everything on 127.0.0.1.
# usage: bash bench/run.sh [--endpoints N] [--frequency F] [--duration D] [--warmup W]
#                          [--burst B] [--no-burst] [--no-extras] [--keep] [--monitor PATH] [--compare 'COMMAND']
# Prints one SUMMARY line for the steady-state run (N endpoints every F s, measured for D s after W s of
# warm-up), then the extras (10,000-endpoint config parse+validate time, start-up time, 1-endpoint RSS) and
# the burst scenario (B endpoints fail at once, then recover). See docs/benchmarks.md.
# --compare 'COMMAND': side by side, the same steady state and extras for a second monitor, one after the other
# in this run (COMMAND CONFIG starts it, e.g. another build's cachet-monitor or the original's scheduler.py),
# then RATIO lines (second / first). --monitor PATH: measure that cachet-monitor executable instead of publishing
# this checkout (a Native AOT publish takes minutes).
set -euo pipefail

ENDPOINTS=10000
FREQUENCY=1
DURATION=60
WARMUP=10
BURST=1000
DO_BURST=1
DO_EXTRAS=1
KEEP=0
COMPARE=""
MONITOR=""
while [[ $# -gt 0 ]]; do
  case "$1" in
    --endpoints) ENDPOINTS="$2"; shift 2 ;;
    --frequency) FREQUENCY="$2"; shift 2 ;;
    --duration) DURATION="$2"; shift 2 ;;
    --warmup) WARMUP="$2"; shift 2 ;;
    --burst) BURST="$2"; shift 2 ;;
    --no-burst) DO_BURST=0; shift ;;
    --no-extras) DO_EXTRAS=0; shift ;;
    --keep) KEEP=1; shift ;;
    --compare) COMPARE="$2"; shift 2 ;;
    --monitor) MONITOR="$(realpath "$2")"; shift 2 ;;
    -h|--help) sed -n '2,12p' "$0"; exit 0 ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
done

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="$ROOT/bench"
WORK="$(mktemp -d -t cachet-bench.XXXXXX)"
PIDS=()

cleanup() {
  local pid
  for pid in "${PIDS[@]}"; do
    kill -TERM "$pid" 2>/dev/null || true
  done
  sleep 0.5
  for pid in "${PIDS[@]}"; do
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [[ "$KEEP" == 1 ]]; then
    echo "work directory kept: $WORK" >&2
  else
    rm -rf "$WORK"
  fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "[bench $(date +%T)] $*" >&2; }
now_ms() { date +%s%3N; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
status_kib() { awk -v key="$2:" '$1 == key {print $2}' "/proc/$1/status"; }
load() { awk '{print $1" "$2" "$3}' /proc/loadavg; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

# Waits (up to $2 s) for a file to have a first line.
wait_line() {
  local deadline=$((SECONDS + $2))
  until [[ -s "$1" ]] && head -1 "$1" | grep -q .; do
    ((SECONDS < deadline)) || { echo "timed out waiting for $1" >&2; return 1; }
    sleep 0.1
  done
}

# Stops one process we started and waits for it (bounded).
stop_pid() {
  kill -TERM "$1" 2>/dev/null || true
  timeout 15 tail --pid="$1" -f /dev/null || kill -KILL "$1" 2>/dev/null || true
}

# ---- tools ----
if ! command -v nginx >/dev/null 2>&1 && [[ ! -x /usr/sbin/nginx ]]; then
  log "installing nginx"
  if ! apt-get install -y nginx >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y nginx >/dev/null
  fi
fi
NGINX="$(command -v nginx || echo /usr/sbin/nginx)"
command -v python3 >/dev/null || { apt-get install -y python3 >/dev/null 2>&1 || { apt-get update >/dev/null && apt-get install -y python3 >/dev/null; }; }
ulimit -n 65536 2>/dev/null || ulimit -n "$(ulimit -Hn)"

# ---- build ----
if [[ -z "$MONITOR" ]]; then
  log "publishing the monitor (Release, Native AOT)"
  dotnet publish "$ROOT/src/Host.CSharp" -c Release -o "$WORK/monitor" --nologo -v quiet >"$WORK/publish.log" 2>&1 \
    || { cat "$WORK/publish.log" >&2; exit 1; }
  MONITOR="$WORK/monitor/cachet-monitor"
fi
log "publishing the fake Cachet (Release)"
dotnet publish "$BENCH/FakeCachetHost" -c Release -o "$WORK/fake" --nologo -v quiet >>"$WORK/publish.log" 2>&1 \
  || { cat "$WORK/publish.log" >&2; exit 1; }
FAKE="$WORK/fake/fake-cachet-host"

# A throwaway token for the fake only.
BENCH_CACHET_TOKEN="bench-$(od -An -N8 -tx8 /dev/urandom | tr -d ' ')"
export BENCH_CACHET_TOKEN

# ---- nginx ----
PORT="$(free_port)"
mkdir -p "$WORK/nginx"
python3 "$BENCH/bench.py" nginx-config "$WORK/nginx" "$PORT"
"$NGINX" -t -q -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>"$WORK/nginx-test.log" \
  || { cat "$WORK/nginx-test.log" >&2; exit 1; }
"$NGINX" -p "$WORK/nginx" -c "$WORK/nginx/nginx.conf" -g 'daemon off;' 2>>"$WORK/nginx/nginx-error.log" &
NGINX_PID=$!
PIDS+=("$NGINX_PID")
for _ in $(seq 50); do
  curl -fsS "http://127.0.0.1:$PORT/e/1" >/dev/null 2>&1 && break
  sleep 0.1
done
curl -fsS "http://127.0.0.1:$PORT/e/1" | grep -q bench-marker || { echo "nginx did not answer" >&2; exit 1; }
nginx_reload() { kill -HUP "$NGINX_PID"; sleep 0.5; }
# Flushes nginx's buffered access log (USR1 reopens the log files, writing the buffer first).
nginx_flush() { kill -USR1 "$NGINX_PID"; sleep 0.5; }

# Starts the fake Cachet with $1 components; sets FAKE_PID and API_URL.
start_fake() {
  local out="$WORK/fake-$2.out"
  "$FAKE" "$1" "$WORK/fake-$2.json" >"$out" 2>"$WORK/fake-$2.err" &
  FAKE_PID=$!
  PIDS+=("$FAKE_PID")
  wait_line "$out" 60
  API_URL="$(head -1 "$out")"
}

# Starts the monitor on config $1, logging to $2; sets MON_PID and MON_START_MS. $3 (optional) is another
# monitor's command line, started as `COMMAND CONFIG`.
start_monitor() {
  MON_START_MS="$(now_ms)"
  if [[ -n "${3:-}" ]]; then
    # Word-split on purpose: the command line may carry its own arguments.
    # shellcheck disable=SC2086
    $3 "$1" >"$2" 2>&1 &
  else
    "$MONITOR" run "$1" >"$2" 2>&1 &
  fi
  MON_PID=$!
  PIDS+=("$MON_PID")
}

# One steady-state run and the extras for one monitor: $1 a label (first, second), $2 its command line (empty:
# this build). Results land in $WORK/$1.* and on stdout.
measure() {
  local label="$1" command="$2"
  log "[$label] steady state: $ENDPOINTS endpoints every ${FREQUENCY}s, ${WARMUP}s warm-up + ${DURATION}s measured (load $(load))"
  start_fake "$ENDPOINTS" "main-$label"
  python3 "$BENCH/bench.py" config "$WORK/main.yml" "$ENDPOINTS" "$PORT" "$FREQUENCY" "$API_URL" UPDATE_STATUS
  # Flushed first, then emptied: nothing from before this run (nginx's own start-up check) stays in the log.
  nginx_flush
  : >"$WORK/nginx/access.log"
  start_monitor "$WORK/main.yml" "$WORK/monitor-main-$label.log" "$command"
  sleep "$WARMUP"
  kill -0 "$MON_PID" 2>/dev/null || { cat "$WORK/monitor-main-$label.log" >&2; exit 1; }
  T0="$(now_ms)"; C0="$(cpu_ticks "$MON_PID")"
  LOAD_BEFORE="$(load)"
  sleep "$DURATION"
  T1="$(now_ms)"; C1="$(cpu_ticks "$MON_PID")"
  HWM="$(status_kib "$MON_PID" VmHWM)"
  LOAD_AFTER="$(load)"
  stop_pid "$MON_PID"
  stop_pid "$FAKE_PID"
  nginx_flush
  python3 "$BENCH/bench.py" analyze "$WORK/nginx/access.log" "$ENDPOINTS" "$FREQUENCY" \
    "$MON_START_MS" "$T0" "$T1" "$C0" "$C1" "$(getconf CLK_TCK)" "$HWM" | tee "$WORK/$label.summary" | grep -v '^JSON'
  echo "LOAD before=$LOAD_BEFORE after=$LOAD_AFTER cores=$(nproc)"
  WARNINGS="$(grep -c -E ' (warn|fail|crit)' "$WORK/monitor-main-$label.log" || true)"
  echo "MONITOR-LOG lines=$(wc -l <"$WORK/monitor-main-$label.log") warnings_or_errors=$WARNINGS"

  [[ "$DO_EXTRAS" == 1 ]] || return 0
  # Parse + validate of a 10,000-endpoint config: the whole `validate` process, best of 3 (wall time). Another
  # monitor is timed as `COMMAND validate CONFIG` when that exits 0 (else the figure is n/a).
  python3 "$BENCH/bench.py" config "$WORK/10k.yml" 10000 "$PORT" 1 "http://127.0.0.1:1/api/v1" UPDATE_STATUS
  local best="" s e ms
  for _ in 1 2 3; do
    s="$(now_ms)"
    if [[ -n "$command" ]]; then
      # shellcheck disable=SC2086
      $command validate "$WORK/10k.yml" >/dev/null 2>&1 || { best="n/a"; break; }
    else
      "$MONITOR" validate "$WORK/10k.yml" >/dev/null
    fi
    e="$(now_ms)"
    ms=$((e - s))
    if [[ -z "$best" || "$ms" -lt "$best" ]]; then best="$ms"; fi
  done
  echo "validate_ms $best" >>"$WORK/$label.extras"
  echo "CONFIG 10000-endpoint config validated by 'validate' in ${best} ms (process wall time, best of 3; load $(load))"

  # RSS with a single endpoint, after 15 s of checks.
  start_fake 1 "single-$label"
  python3 "$BENCH/bench.py" config "$WORK/single.yml" 1 "$PORT" "$FREQUENCY" "$API_URL" UPDATE_STATUS
  start_monitor "$WORK/single.yml" "$WORK/monitor-single-$label.log" "$command"
  sleep 15
  local rss hwm
  rss=$(( $(status_kib "$MON_PID" VmRSS) / 1024 ))
  hwm=$(( $(status_kib "$MON_PID" VmHWM) / 1024 ))
  echo "single_rss_mib $rss" >>"$WORK/$label.extras"
  echo "SINGLE 1 endpoint: RSS $rss MiB, peak $hwm MiB after 15 s"
  stop_pid "$MON_PID"
  stop_pid "$FAKE_PID"
}

# ---- steady state and extras (then the same for the second monitor, if any) ----
if [[ -n "$COMPARE" ]]; then
  echo "FIRST this build ($MONITOR)"
fi
measure first ""
if [[ -n "$COMPARE" ]]; then
  echo "SECOND $COMPARE"
  measure second "$COMPARE"
  python3 "$BENCH/bench.py" compare "$WORK/first" "$WORK/second"
fi

# ---- burst ----
if [[ "$DO_BURST" == 1 ]]; then
  log "burst: $BURST endpoints fail at once, then recover (load $(load))"
  start_fake "$BURST" burst
  python3 "$BENCH/bench.py" config "$WORK/burst.yml" "$BURST" "$PORT" 1 "$API_URL" "UPDATE_STATUS, CREATE_INCIDENT"
  python3 "$BENCH/bench.py" nginx-mode "$WORK/nginx" up
  nginx_reload
  start_monitor "$WORK/burst.yml" "$WORK/monitor-burst.log"
  # Wait for the start-up reads (the monitor logs when they are done), then let it settle.
  for _ in $(seq 300); do
    grep -q "Start-up reads done" "$WORK/monitor-burst.log" && break
    sleep 0.1
  done
  sleep 3
  python3 "$BENCH/bench.py" nginx-mode "$WORK/nginx" down
  SWITCH="$(now_ms)"
  nginx_reload
  DOWN="$(python3 "$BENCH/bench.py" burst-wait "$API_URL" "$BURST" down 120 "$SWITCH")"
  echo "BURST $BURST endpoints down: every component status and incident in the fake Cachet after $DOWN s (from the nginx switch; load $(load))"
  python3 "$BENCH/bench.py" nginx-mode "$WORK/nginx" up
  SWITCH="$(now_ms)"
  nginx_reload
  UP="$(python3 "$BENCH/bench.py" burst-wait "$API_URL" "$BURST" up 120 "$SWITCH")"
  echo "BURST $BURST endpoints recovered: every component operational and incident resolved after $UP s"
  sleep 2
  kill -HUP "$FAKE_PID"
  for _ in $(seq 100); do [[ -s "$WORK/fake-burst.json" ]] && break; sleep 0.1; done
  python3 "$BENCH/bench.py" burst-check "$WORK/fake-burst.json" "$BURST"
  stop_pid "$MON_PID"
  stop_pid "$FAKE_PID"
fi
