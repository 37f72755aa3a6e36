#!/usr/bin/env bash
# Herald beside Nchan in the same run. Both servers are pinned to one CPU (Herald with one event
# loop, nginx with one worker), the load generator to the other; the same scenarios run against
# each, then Herald's small rooms once more with unsynced commits, then the machine's floors (a
# bare writer on the servers' CPU, the disk's sync); the results go to bench/results/compare/, and
# one table of ratios is printed.
#
#   bench/compare.sh            # after `make build`; needs nginx, libnginx-mod-nchan, jq
#
# Environment: HERALD (the binary), SERVER_CPU and LOAD_CPU (default 0 and 1), OUT (results
# directory), CONNECTIONS (idle, default 15000), DURATION (seconds of publishing, default 15).
set -euo pipefail
cd "$(dirname "$0")/.."

HERALD=${HERALD:-build/release/herald}
SERVER_CPU=${SERVER_CPU:-0}
LOAD_CPU=${LOAD_CPU:-1}
OUT=${OUT:-bench/results/compare}
CONNECTIONS=${CONNECTIONS:-15000}
DURATION=${DURATION:-15}
HERALD_PORT=${HERALD_PORT:-18480}
NCHAN_PORT=${NCHAN_PORT:-18481}
API_KEY=herald-bench
SYNC_RATE=800  # the disk's syncs a second, about Herald's commits in the small rooms

for tool in "$HERALD" nginx jq taskset curl; do
  command -v "$tool" >/dev/null || { echo "compare: $tool is missing (make build; scripts/setup)" >&2; exit 1; }
done
[ -f /usr/lib/nginx/modules/ngx_nchan_module.so ] || { echo "compare: libnginx-mod-nchan is missing" >&2; exit 1; }

work=$(mktemp -d /tmp/herald-compare-XXXXXX)
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

wait_http() {  # URL: until it answers, for up to 20 s
  for _ in $(seq 200); do curl -s -o /dev/null "$1" && return 0; sleep 0.1; done
  echo "compare: nothing answers $1" >&2; exit 1
}

start_herald() {  # EXTRA SERVE ARGS…
  rm -rf "$work/herald"
  mkdir -p "$work/herald"
  taskset -c "$SERVER_CPU" "$HERALD" serve --listen "127.0.0.1:$HERALD_PORT" --data "$work/herald" \
    --threads 1 --admission-rate 0 --api-key "$API_KEY" --log-level warn "$@" >>"$work/herald.log" 2>&1 &
  herald_pid=$!
  pids+=("$herald_pid")
  wait_http "http://127.0.0.1:$HERALD_PORT/healthz"
}

start_nchan() {
  mkdir -p "$work/nginx/tmp"
  sed "s/@PORT@/$NCHAN_PORT/" bench/peers/nchan.conf >"$work/nginx/nchan.conf"
  taskset -c "$SERVER_CPU" nginx -p "$work/nginx" -c nchan.conf -e error.log &
  pids+=($!)
  wait_http "http://127.0.0.1:$NCHAN_PORT/"
  nchan_pid=$(pgrep -P "$!" | head -1)  # the worker serves the connections
}

bench() {  # SCENARIO TARGET NAME ARGS…: one run on the load generator's CPU
  local scenario=$1 target=$2 name=$3
  shift 3
  local port=$HERALD_PORT pid=$herald_pid
  [ "$target" = nchan ] && port=$NCHAN_PORT pid=$nchan_pid
  echo "== $name: $target"
  taskset -c "$LOAD_CPU" "$HERALD" bench "$scenario" --target "$target" --api-key "$API_KEY" \
    --server "127.0.0.1:$port" --server-pid "$pid" --out "$OUT/$name-$target.json" "$@"
}

both() {  # SCENARIO NAME ARGS…
  local scenario=$1 name=$2
  shift 2
  bench "$scenario" herald "$name" "$@"
  bench "$scenario" nchan "$name" "$@"
}

start_herald
start_nchan
# Idle first, while both servers are fresh.
both idle idle --connections "$CONNECTIONS" --rooms 100
both fanout fanout --subscribers 10000 --rooms 10 --rate 50 --duration "$DURATION"
both fanout small-rooms --subscribers 10000 --rooms 5000 --rate 5000 --duration "$DURATION" \
  --publish-connections 256
# The same publishes with next to no one to deliver them to: what the publish path alone costs.
both fanout publish-path --subscribers 10 --rooms 5000 --rate 5000 --duration "$DURATION" \
  --publish-connections 256
both max max --subscribers 10000 --rooms 10 --rate 20 --factor 1.5 --steps 7 --duration 8
# Small rooms again, Herald's commits unsynced: what the disk's sync adds to that latency.
kill "$herald_pid"
wait "$herald_pid" 2>/dev/null || true
start_herald --store-sync normal
bench fanout herald small-rooms-unsynced --subscribers 10000 --rooms 5000 --rate 5000 \
  --duration "$DURATION" --publish-connections 256
# The floors: a bare writer on the servers' CPU, one frame per write, no server; and the sync of
# one page on the disk Herald's data was on, as often and for as long as the small rooms' commits.
echo "== floor"
taskset -c "$LOAD_CPU" "$HERALD" bench floor --writer-cpu "$SERVER_CPU" --connections 10000 \
  --rate 50000 --duration "$DURATION" --sync-dir "$work" --syncs $((DURATION * SYNC_RATE)) \
  --sync-rate "$SYNC_RATE" \
  --out "$OUT/floor.json"

value() {  # NAME TARGET JQ-PATH
  jq -r "$3" "$OUT/$1-$2.json"
}

row() {  # LABEL NAME JQ-PATH [NCHAN-NAME]: Herald, Nchan and Herald / Nchan
  local h n
  h=$(value "$2" herald "$3")
  n=$(value "${4:-$2}" nchan "$3")
  awk -v l="$1" -v h="$h" -v n="$n" \
    'BEGIN { printf "%-56s %14.2f %14.2f %10s\n", l, h, n, (n != 0 ? sprintf("%.2f", h / n) : "-") }'
}

{
  printf "%-56s %14s %14s %10s\n" "" herald nchan "h/n"
  row "idle: server RSS bytes / connection" idle .rss_bytes_per_connection
  for name in fanout small-rooms; do
    row "$name: deliveries / s" "$name" .deliveries_per_s
    row "$name: server CPU us / delivery" "$name" .server_cpu_us_per_delivery
    row "$name: latency p50 ms" "$name" .latency_ms.p50
    row "$name: latency p99 ms" "$name" .latency_ms.p99
    row "$name: latency max ms" "$name" .latency_ms.max
    row "$name: lost" "$name" .lost
    row "$name: duplicates + out of order" "$name" '.duplicates + .out_of_order'
    row "$name: tool CPU s" "$name" .tool_cpu_s
  done
  row "publish-path: server CPU us / publish" publish-path '1e6 * .server_cpu_s / .acked'
  row "publish-path: publish ack ms p99" publish-path .publish_ack_ms_p99
  row "small-rooms, Herald unsynced: server CPU us / delivery" small-rooms-unsynced \
    .server_cpu_us_per_delivery small-rooms
  row "small-rooms, Herald unsynced: latency p50 ms" small-rooms-unsynced .latency_ms.p50 small-rooms
  row "small-rooms, Herald unsynced: latency p99 ms" small-rooms-unsynced .latency_ms.p99 small-rooms
  row "max: highest deliveries / s (p99 < 100 ms, no loss)" max .highest_deliveries_per_s
  floor=$(jq -r .writer_cpu_us_per_write "$OUT/floor.json")
  awk -v f="$floor" -v h="$(value fanout herald .server_cpu_us_per_delivery)" \
    -v n="$(value fanout nchan .server_cpu_us_per_delivery)" 'BEGIN {
      printf "%-56s %14.2f\n", "floor: bare writer CPU us / write (one frame each)", f
      printf "%-56s %14.2f %14.2f\n", "fanout: CPU / delivery over the floor", h / f, n / f }'
  jq -r '.sync_latency_ms | "\(.p50) \(.p99) \(.p99_9) \(.max)"' "$OUT/floor.json" | awk '{
    printf "%-56s %14s\n", "floor: disk sync of one page ms p50 / p99 / p99.9 / max",
      sprintf("%.2f / %.2f / %.2f / %.2f", $1, $2, $3, $4) }'
  jq -r '"\(.sync_stalls) \(.syncs) \(.sync_seconds) \(.sync_stall_ms)"' "$OUT/floor.json" | awk '{
    printf "%-56s %14s\n", sprintf("floor: disk syncs over %d ms (of %d in %.0f s)", $4, $2, $3), $1 }'
} | tee "$OUT/table.txt"
