#!/usr/bin/env bash
# Starts the system (Release, its own data directory and port), runs every load scenario at a few rates, writes
# JSON per scenario into $OUT and the tables to $OUT/tables.txt, then stops everything it started. Bounded: each
# load-generator run stops by itself and is wrapped in a timeout.
set -euo pipefail
cd "$(dirname "$0")/.."
PORT=${PORT:-5180}
OUT=${OUT:-/tmp/chat-bench}
DATA=$OUT/data
mkdir -p "$OUT" && rm -rf "$DATA"

dotnet build -c Release Chat.AppHost -p:SkipWebClientBuild=true -v q
dotnet build -c Release bench/Chat.LoadGen -v q

# Identity's sign-up and login limits (60 a minute per address) would otherwise throttle the set-up of hundreds of users.
Identity__RateLimits__PermitsPerIp=1000000 Identity__RateLimits__PermitsPerUsername=1000 \
  setsid dotnet run -c Release --no-build --project Chat.AppHost -- \
  --Chat:DataDirectory="$DATA" --Gateway:Port="$PORT" > "$OUT/apphost.log" 2>&1 &
APPHOST=$!
stop() {
  # The AppHost's orchestrator (dcp) owns the service processes in its own session; stop them by pid if it leaves any.
  local sessions
  sessions=$(ps -eo sid=,cmd= | awk -v d="$DATA" 'index($0, d) && /dcp/ {print $1}' | sort -u)
  for pid in $(ps -eo pid=,ppid= | awk -v p="$APPHOST" '$2 == p {print $1}') "$APPHOST"; do kill -TERM "$pid" 2>/dev/null || true; done
  sleep 10
  for sid in $sessions; do
    for pid in $(ps -eo pid=,sid= | awk -v s="$sid" '$2 == s {print $1}'); do kill -TERM "$pid" 2>/dev/null || true; done
  done
}
trap stop EXIT
for _ in $(seq 90); do curl -sf "http://127.0.0.1:$PORT/health" > /dev/null && break; sleep 1; done

export DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS=1   # halves the generator's own CPU
LG=(dotnet bench/Chat.LoadGen/bin/Release/net10.0/Chat.LoadGen.dll --api "http://127.0.0.1:$PORT" --warmup 10 --duration 15)
run() { local name=$1; shift; timeout 600 "${LG[@]}" --out "$OUT/$name.json" "$@" | tee -a "$OUT/tables.txt"; }

run direct-gateway        --scenario direct --pairs 100 --rates 1000,2000,4000,6000
run direct-messaging-mp   --scenario direct --pairs 100 --target messaging --protocol messagepack --rates 1000,2000,4000,10000
run group-gateway         --scenario group --groups 16 --group-users 400 --rates 100,200,400,800
run large-gateway         --scenario large --pairs 50 --rates 500 --large-rate 2
run connections-messaging --scenario connections --target messaging --connections 10000 --connection-users 100
run history-gateway       --scenario history --history-messages 200000 --rates 200,500,1000
