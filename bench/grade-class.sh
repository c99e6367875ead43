#!/usr/bin/env bash
# How long a class takes to grade: 40 submissions of the select lab (the five echo references,
# each a valid select-lab server, twice; then the echo labs' mutants as students) graded by
# `socklab grade select --submissions` with -j JOBS (default 2). Prints the wall time, the CPU
# time of the whole batch, and both per submission. Also the hostile class of tests/class when
# run with --hostile (the close lab: busy loop, fork and memory bombs, endless logs...).
#   bench/grade-class.sh [--hostile] [JOBS]
# Needs the default build (make build) and its mutants.
set -euo pipefail
cd "$(dirname "$0")/.."
hostile=false
if [ "${1:-}" = --hostile ]; then hostile=true; shift; fi
jobs=${1:-2}
bin=build/bin
work=$(mktemp -d /tmp/socklab-grade-bench.XXXXXX)
trap 'rm -rf "$work"' EXIT
class=$work/class
mkdir -p "$class"

if $hostile; then
  lab=close
  for folder in tests/class/submissions/*/; do cp -r "$folder" "$class/"; done
  mkdir -p "$class/reference" && cp reference/close.cpp "$class/reference/server.cpp"
else
  lab=select
  n=0
  add() {  # add NAME SOURCE
    n=$((n + 1))
    mkdir -p "$class/$(printf '%02d' $n)-$1"
    cp "$2" "$class/$(printf '%02d' $n)-$1/server.cpp"
  }
  for round in 1 2; do
    for ref in blocking select poll epoll_lt epoll_et; do add "ref-$ref" "reference/$ref.cpp"; done
  done
  # Each echo-lab mutant whose bug lives in the student's file (a patch of reference/*.cpp).
  while [ "$n" -lt 40 ]; do
    added=0
    for tree in build/tests/mutants/*/reference; do
      source=$(ls "$tree"/*.cpp 2>/dev/null | head -1)
      case "$(basename "$source" .cpp)" in blocking|select|poll|epoll_lt|epoll_et) ;; *) continue ;; esac
      [ "$n" -lt 40 ] || break
      add "mutant-$(basename "$(dirname "$tree")")" "$source"
      added=1
    done
    [ "$added" -eq 1 ] || { echo "grade-class: no echo-lab mutants built (make build first)" >&2; exit 1; }
  done
fi

count=$(ls "$class" | wc -l)
start=$(date +%s.%N)
"$bin/socklab" grade "$lab" --submissions "$class" -j "$jobs" --out "$work/out" >"$work/batch.log" 2>&1
end=$(date +%s.%N)
# The batch's children (every socklab, compiler and server) are waited for: times sees them.
# In this shell, not in $(...): a subshell has no children of its own to count.
times >"$work/times"
cpu=$(tail -1 "$work/times" | tr 'ms' '  ' | awk '{print $1 * 60 + $2 + $3 * 60 + $4}')
awk -v lab="$lab" -v n="$count" -v j="$jobs" -v start="$start" -v end="$end" -v cpu="$cpu" 'BEGIN {
  wall = end - start
  printf "lab %s, %d submissions, -j %d: %.0f s wall, %.1f s per submission; CPU %.0f s, %.1f s per submission\n", lab, n, j, wall, wall / n, cpu, cpu / n
}'
tail -n +2 "$work/out/grades.csv" | awk -F, '{print $NF}' | sort | uniq -c
grep -v '"graded"' "$work/out/grades.csv" | tail -n +2 || true
if $hostile; then
  # Each hostile program's grade, and whether anything outlived the batch.
  cat "$work/out/grades.csv"
  sed -n '/## What to teach again/,/## Builds/p' "$work/out/summary.md"
  echo "left behind: $(pgrep -fc "$work" || true) processes naming the batch's folder," \
    "$(ls -d /tmp/socklab-build-* 2>/dev/null | wc -l) build folders"
fi
