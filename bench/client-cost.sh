#!/usr/bin/env bash
# What redis-benchmark pays per reply against ref-epoll-et and against redis-server, and how often
# each server went to sleep: the evidence behind the "client set the rate" lines of `socklab bench
# peers`. Both servers on core 0, redis-benchmark on core 1, runs alternating (the server that goes
# first swaps every pair), each under `perf stat` (task-clock of the client, task-clock and
# context switches of the server). Prints the medians and the per-pair ratios.
#   bench/client-cost.sh [PIPELINE [PAIRS [REQUESTS [TEST]]]]     (defaults: 1 10 300000 ping_inline)
# Needs make build, and scripts/install-deps bench (redis-server, redis-benchmark, perf). Loopback
# only; the two ports are picked free by the kernel. Do not run it beside a build: 2 cores.
set -euo pipefail
cd "$(dirname "$0")/.."
pipeline=${1:-1}
pairs=${2:-10}
requests=${3:-300000}
test_name=${4:-ping_inline}
for tool in perf redis-server redis-benchmark taskset python3; do
  command -v "$tool" > /dev/null || { echo "client-cost: $tool is missing: run scripts/install-deps bench" >&2; exit 1; }
done
[ -x build/bin/ref-epoll-et ] || { echo "client-cost: build/bin/ref-epoll-et is missing: run make build" >&2; exit 1; }

work=$(mktemp -d /tmp/socklab-client-cost.XXXXXX)
servers=()
cleanup() {
  for pid in "${servers[@]}"; do kill "$pid" 2> /dev/null || true; done
  wait 2> /dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

taskset -c 0 build/bin/ref-epoll-et --port 0 --proto resp > "$work/ref.out" 2>&1 &
servers+=($!)
ref_pid=$!
redis_port=$(free_port)
taskset -c 0 redis-server --port "$redis_port" --bind 127.0.0.1 --save '' --appendonly no \
  --daemonize no > "$work/redis.out" 2>&1 &
servers+=($!)
redis_pid=$!
for _ in $(seq 50); do
  grep -q 'listening on' "$work/ref.out" && redis-benchmark -p "$redis_port" -n 1 -t ping_inline -q > /dev/null 2>&1 && break
  sleep 0.1
done
ref_port=$(sed -n 's/.*listening on [0-9.]*:\([0-9]*\).*/\1/p' "$work/ref.out" | head -1)
[ -n "$ref_port" ] || { echo "client-cost: ref-epoll-et did not say where it listens:" >&2; cat "$work/ref.out" >&2; exit 1; }

bench() {  # bench PORT N [PERF-STAT-FILE]: one redis-benchmark run on core 1; prints its requests/s
  local measure=()
  # shellcheck disable=SC2054  # "-x," is perf stat's field separator, not two array elements
  [ $# -ge 3 ] && measure=(perf stat -x, -e task-clock -o "$3")
  "${measure[@]}" taskset -c 1 redis-benchmark -p "$1" -t "$test_name" -n "$2" -c 50 -P "$pipeline" \
    --csv 2> /dev/null | tail -1 | cut -d, -f2 | tr -d '"'
}
bench "$ref_port" 200000 > /dev/null    # warm-up
bench "$redis_port" 200000 > /dev/null

echo "pair,server,rps,client_ms,server_ms,server_switches" > "$work/runs.csv"
for pair in $(seq "$pairs"); do
  order="ref redis"
  [ $((pair % 2)) = 0 ] && order="redis ref"
  for server in $order; do
    if [ "$server" = ref ]; then port=$ref_port pid=$ref_pid; else port=$redis_port pid=$redis_pid; fi
    perf stat -x, -e task-clock,context-switches -p "$pid" -o "$work/server.txt" &
    watcher=$!
    sleep 0.1
    rate=$(bench "$port" "$requests" "$work/client.txt")
    kill -INT "$watcher"
    wait "$watcher" 2> /dev/null || true
    client_ms=$(grep ',task-clock' "$work/client.txt" | cut -d, -f1)
    server_ms=$(grep ',task-clock' "$work/server.txt" | cut -d, -f1)
    switches=$(grep ',context-switches' "$work/server.txt" | cut -d, -f1)
    echo "$pair,$server,$rate,$client_ms,$server_ms,$switches" >> "$work/runs.csv"
  done
done

python3 - "$work/runs.csv" "$requests" "$pipeline" "$test_name" << 'EOF'
import csv, statistics, sys
rows = list(csv.DictReader(open(sys.argv[1])))
requests = int(sys.argv[2])
by_pair = {}
for row in rows:
    by_pair.setdefault(row["pair"], {})[row["server"]] = row
value = lambda row, key: float(row[key])
print(f"redis-benchmark -t {sys.argv[4]} -c 50 -P {sys.argv[3]} -n {requests}, {len(by_pair)} pairs; medians:")
for server in ("ref", "redis"):
    runs = [pair[server] for pair in by_pair.values()]
    median = lambda key: statistics.median(value(r, key) for r in runs)
    print(f"  {'ref-epoll-et' if server == 'ref' else 'redis-server':13} {median('rps'):10.0f} req/s   "
          f"client {median('client_ms') / requests * 1000:.2f} us/req   "
          f"server {median('server_ms') / requests * 1000:.2f} us/req   "
          f"server sleeps {median('server_switches') / requests * 1000:.0f} per 1000 req")
for label, key in (("requests/s", "rps"), ("client CPU per request", "client_ms"),
                   ("server CPU per request", "server_ms"), ("server sleeps", "server_switches")):
    ratios = [value(p["ref"], key) / value(p["redis"], key) for p in by_pair.values()]
    print(f"  ref-epoll-et / redis-server, {label}: {statistics.median(ratios):.2f} "
          f"[{min(ratios):.2f}-{max(ratios):.2f}]")
EOF
