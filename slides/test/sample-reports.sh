#!/bin/sh
# The two sample reports the browser check opens beside the decks: a failing run (the
# drop-on-eagain mutant, whose echo loses bytes: a finding, two ladders, links) and a passing
# one (the poll reference). usage: sample-reports.sh SOCKLAB_BIN_DIR OUT_FOLDER
# Exit 0 when both pages were written, whatever the verdicts; 1 otherwise, saying why.
set -u
bin=$1 out=$2
rm -rf "$out"
mkdir -p "$out"
"$bin/socklab" check poll --server "$bin/mutants/mutant-drop-on-eagain" --scenario integrity \
  --out "$out/failing" >"$out/failing.log" 2>&1
status=$?
[ $status -eq 1 ] || { echo "sample-reports: the mutant's check exited $status, not 1 (failed):"; cat "$out/failing.log"; exit 1; }
"$bin/socklab" check poll --scenario integrity --out "$out/passing" >"$out/passing.log" 2>&1
status=$?
[ $status -eq 0 ] || { echo "sample-reports: the reference's check exited $status, not 0:"; cat "$out/passing.log"; exit 1; }
for page in "$out/failing/report.html" "$out/passing/report.html"; do
  [ -s "$page" ] || { echo "sample-reports: $page was not written"; exit 1; }
done
