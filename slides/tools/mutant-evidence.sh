#!/usr/bin/env bash
# Runs each mutant against the scenario that catches it and keeps what the slides show: the
# report (the verdict) and the capture, in slides/build/mutants/NAME--SCENARIO/. A run is
# repeated only when the mutant binary or the golden trace is newer than its report, so a
# second `make slides` costs nothing. Where the harness cannot run here (no network
# namespaces), the folder gets a note and the slides fall back to the recorded verdict.
set -uo pipefail
slides=$(cd "$(dirname "$0")/.." && pwd)
root=$(dirname "$slides")
socklab=$root/build/bin/socklab
out_root=$slides/build/mutants
mkdir -p "$out_root"
ran=0 reused=0 failed=0
while read -r name lab scenario; do
  dir=$out_root/$name--$scenario
  binary=$root/build/bin/mutants/mutant-$name
  golden=$root/traces/$lab/$scenario.pcap.gz
  if [[ ! -x $binary ]]; then
    mkdir -p "$dir"; echo "mutant binary $binary is missing (run make build)" > "$dir/unavailable"
    failed=$((failed + 1)); continue
  fi
  if [[ -f $dir/report.json && $dir/report.json -nt $binary && $dir/report.json -nt $golden ]]; then
    reused=$((reused + 1)); continue
  fi
  rm -rf "$dir"; mkdir -p "$dir"
  # A failing scenario is the expected outcome: socklab exits 1, which is not an error here.
  "$socklab" check "$lab" --server "$binary" --scenario "$scenario" --out "$dir/run" \
    > "$dir/check.log" 2>&1
  if [[ -f $dir/run/report.json ]] && grep -q '"verdict": *"failed"' "$dir/run/report.json"; then
    mv "$dir/run/report.json" "$dir/report.json"
    [[ -f $dir/run/$lab/$scenario.pcap ]] && mv "$dir/run/$lab/$scenario.pcap" "$dir/mutant.pcap"
    rm -rf "$dir/run"
    ran=$((ran + 1))
    printf '  %-28s %-10s %-22s caught\n' "$name" "$lab" "$scenario"
  else
    tail -3 "$dir/check.log" > "$dir/unavailable"
    failed=$((failed + 1))
    printf '  %-28s %-10s %-22s no run here: %s\n' "$name" "$lab" "$scenario" "$(tail -1 "$dir/check.log")"
  fi
done < <("$slides/tools/mutant-table.sh")
echo "mutant runs: $ran run, $reused reused, $failed fell back to the recorded verdict"
