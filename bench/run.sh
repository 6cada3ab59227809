#!/usr/bin/env bash
# Starts the system (Release, its own data directory and port), answers the performance questions one scenario at a
# time, then stops everything it started:
#   idle      1,000 connections through the gateway and 10,000 straight to Messaging, nobody sending: CPU and RSS
#   direct    500 pairs, rate search (p99 < 50 ms, nothing lost), and server CPU per message at 2,000 msg/s
#   group     20 groups of 50 from 1,000 users, rate search, and server CPU per delivery at 200 msg/s
#   storm     1,000 clients dropped at once reconnect with their tokens and Sync, while others send to them
#   history   pages of 50 at 500 pages/s in a conversation of 1,000,000 messages (filled straight into SQLite)
# JSON per scenario and the tables go to $OUT, the summary to $OUT/summary.txt (and stdout at the end).
# Bounded: every load-generator run stops by itself and is wrapped in a timeout. QUICK=1 runs every scenario tiny,
# to check the script, not to measure.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5180}
OUT=${OUT:-/tmp/chat-bench}
DATA=$OUT/data
mkdir -p "$OUT" && rm -rf "$DATA" && rm -f "$OUT/summary.txt" "$OUT/tables.txt"

dotnet build -c Release Chat.AppHost -p:SkipWebClientBuild=true -v q
dotnet build -c Release bench/Chat.LoadGen -v q

# Identity's sign-up and login limits (60 a minute per address) would otherwise throttle the set-up of thousands of users;
# the idle-connections scenario holds 100 connections per user, over Messaging's cap of 20.
Identity__RateLimits__PermitsPerIp=1000000 Identity__RateLimits__PermitsPerUsername=1000 \
  Messaging__RateLimits__MaxConnectionsPerUser=1000 \
  setsid dotnet run -c Release --no-build --project Chat.AppHost -- \
  --Chat:DataDirectory="$DATA" --Gateway:Port="$PORT" > "$OUT/apphost.log" 2>&1 &
APPHOST=$!

# Every process of this system: the AppHost and its launcher, DCP's API server (which monitors the AppHost), and the
# session of DCP's controllers (which monitor the API server): the dashboard, the services and their launchers.
system_pids() {
  local hosts apis ctls sids
  set +e
  hosts=$(ps -eo pid=,ppid= | awk -v p="$APPHOST" '$2 == p {print $1}')
  apis=$(for h in $hosts; do ps -eo pid=,args= | awk -v m="--monitor $h " 'index($0 " ", m) && $2 ~ /\/dcp$/ {print $1}'; done)
  ctls=$(for a in $apis; do ps -eo pid=,args= | awk -v m="--monitor $a " 'index($0 " ", m) && $2 ~ /\/dcp$/ {print $1}'; done)
  sids=$(for c in $ctls; do ps -o sid= -p "$c"; done | tr -d ' ' | sort -u)
  echo "$APPHOST" $hosts $apis
  for s in $sids; do ps -eo pid=,sid= | awk -v s="$s" '$2 == s {print $1}'; done
  return 0
}
SYSTEM=""
stop() {
  local pids alive
  set +e
  pids=$(echo "$SYSTEM" $(system_pids) | tr ' ' '\n' | grep -E '^[0-9]+$' | sort -un)
  # The AppHost first: it stops its resources itself; then whatever is left, by pid; then KILL after a grace period.
  kill -TERM "$APPHOST" 2>/dev/null || true
  for _ in $(seq 20); do
    alive=$(for p in $pids; do kill -0 "$p" 2>/dev/null && echo "$p"; done || true)
    [ -z "$alive" ] && return 0
    sleep 1
  done
  for p in $alive; do kill -TERM "$p" 2>/dev/null || true; done
  sleep 5
  for p in $alive; do kill -KILL "$p" 2>/dev/null || true; done
}
trap stop EXIT
trap 'exit 130' INT TERM
for _ in $(seq 120); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 1; done
curl -sf "http://127.0.0.1:$PORT/health" > /dev/null || { echo "the system did not become healthy; see $OUT/apphost.log" >&2; exit 1; }
sleep 10   # let start-up work (JIT, migrations, the dashboard's first scrape) settle before measuring anything at rest
SYSTEM=$( (system_pids || true) | tr '\n' ' ')

export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1   # halves the generator's own CPU
LG=(dotnet bench/Chat.LoadGen/bin/Release/net10.0/Chat.LoadGen.dll --api "http://127.0.0.1:$PORT" --data-dir "$DATA" --summary "$OUT/summary.txt")
run() {
  local name=$1 limit=$2; shift 2
  timeout "$limit" "${LG[@]}" --out "$OUT/$name.json" "$@" 2> >(tee "$OUT/$name.log" >&2) | tee -a "$OUT/tables.txt" \
    || echo "$name: failed or timed out; see $OUT/$name.log" | tee -a "$OUT/summary.txt"
}

if [ "${QUICK:-0}" = 1 ]; then
  STEP=(--warmup 2 --duration 3 --drain 1)
  IDLE_GW=(--connections 100 --connection-users 100 --warmup 2 --duration 5)
  IDLE_MSG=(--connections 500 --connection-users 10 --warmup 2 --duration 5)
  DIRECT=(--pairs 20 --rates 50,100,200,400 --cpu-rate 100 --search-seconds 40 "${STEP[@]}")
  GROUP=(--groups 4 --group-size 5 --group-users 20 --rates 10,20,40 --cpu-rate 20 --search-seconds 30 "${STEP[@]}")
  STORM=(--connections 100 --storm-senders 5 --rates 50 --warmup 3 --drain 2)
  HISTORY=(--history-messages 100000 --rates 100 "${STEP[@]}")
else
  STEP=(--warmup 10 --duration 20 --drain 3)
  IDLE_GW=(--connections 1000 --connection-users 1000 --warmup 10 --duration 60)
  IDLE_MSG=(--connections 10000 --connection-users 100 --connect-concurrency 64 --warmup 10 --duration 60)
  DIRECT=(--pairs 500 --rates 500,1000,2000,3000,4000,5000,6000,8000 --cpu-rate 2000 --search-seconds 360 "${STEP[@]}")
  GROUP=(--groups 20 --group-size 50 --group-users 1000 --rates 50,100,200,300,400,500,600,800 --cpu-rate 200 --search-seconds 360 "${STEP[@]}")
  STORM=(--connections 1000 --storm-senders 20 --rates 200 --warmup 5 --drain 3)
  HISTORY=(--history-messages 1000000 --rates 500 "${STEP[@]}")
fi

{
  echo "bench/run.sh $(date -u +%FT%TZ), commit $(git rev-parse --short HEAD 2>/dev/null || echo '?'), $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  echo "pass = delivery p99 < 50 ms, no loss, no duplicates, no errors; CPU: six services, and dashboard+dcp apart"
} > "$OUT/summary.txt"
# Idle first, so that the services' RSS at rest is taken before any load.
run idle-gateway     600 --scenario connections "${IDLE_GW[@]}"
run idle-messaging   600 --scenario connections --target messaging "${IDLE_MSG[@]}"
run direct-search    900 --scenario direct --search "${DIRECT[@]}"
run group-search     900 --scenario group --search "${GROUP[@]}"
run storm            600 --scenario storm "${STORM[@]}"
run history          600 --scenario history --history-fill sqlite "${HISTORY[@]}"

echo
echo "== summary ($OUT/summary.txt) =="
cat "$OUT/summary.txt"
