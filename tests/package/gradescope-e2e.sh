#!/usr/bin/env bash
# Gradescope end to end, on a fresh Debian 12 root, as root, from the root of a clone (the way
# /work/shared/tools/fresh-check runs it): builds socklab, packages the select lab, lays out
# /autograder as Gradescope does (the zip unpacked into source/, run_autograder copied to
# /autograder/, the student's files in submission/), runs setup.sh from /autograder/source as
# Gradescope's image build does, then run_autograder for a correct and a broken submission and
# checks results.json each time. Then the same inside socklab-locked-down, which takes away what
# a Gradescope container lacks (Docker's default seccomp, no CAP_NET_ADMIN or CAP_SYS_ADMIN):
# there socklab grades in loopback mode, and the scenarios that need hosts of their own leave
# the maximum.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
kit=$(pwd)
lab=select
root=/autograder
scratch=/tmp/socklab-gradescope-e2e

step() { printf '\n== gradescope-e2e: %s\n' "$*"; }
fail() {
  echo "gradescope-e2e: FAILED: $*" >&2
  exit 1
}
trap 'echo "gradescope-e2e: FAILED (exit status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

[ "$(id -u)" -eq 0 ] || {
  echo "gradescope-e2e: run as root: Gradescope runs setup.sh and run_autograder as root" >&2
  exit 2
}
# /autograder is replaced wholesale: only one this script made may be.
if [ -e "$root" ] && [ ! -e "$root/.socklab-gradescope-e2e" ]; then
  echo "gradescope-e2e: $root exists and was not made by this script; it is meant for a fresh root" >&2
  exit 2
fi

step "make build"
make build

step "socklab package gradescope $lab"
rm -rf "$scratch"
mkdir -p "$scratch"
build/bin/socklab package gradescope "$lab" -o "$scratch/autograder.zip"

step "lay out $root as Gradescope does"
rm -rf "$root"
mkdir -p "$root/source" "$root/submission" "$root/results"
touch "$root/.socklab-gradescope-e2e"
if command -v unzip >/dev/null; then
  unzip -q "$scratch/autograder.zip" -d "$root/source"
else
  # Python's zipfile drops permission bits: they are put back from the entries' external
  # attributes, as unzip would.
  python3 - "$scratch/autograder.zip" "$root/source" <<'EOF'
import os, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as archive:
    for entry in archive.infolist():
        path = archive.extract(entry, sys.argv[2])
        mode = (entry.external_attr >> 16) & 0o7777
        if mode:
            os.chmod(path, mode)
EOF
fi
for file in setup.sh run_autograder; do
  [ -f "$root/source/$file" ] || fail "$file is not at the zip's root"
  [ -x "$root/source/$file" ] || fail "$file is not executable once unzipped"
done
cp "$root/source/run_autograder" "$root/run_autograder"

step "setup.sh, from $root/source"
(cd "$root/source" && ./setup.sh)
[ -x "$root/source/socklab/build/bin/socklab" ] || fail "setup.sh built no socklab"

# check_results WHAT EXPECTED: results.json is valid JSON with a score and tests, and the score
# is EXPECTED: a number, or "full" for the whole maximum, which is the rubric's 100 points in
# netns mode and, in loopback mode, what could be graded there (the tests' max_score added up).
check_results() {
  python3 - "$root/results/results.json" "$1" "$2" <<'EOF'
import json, sys
path, what, expected = sys.argv[1:]
try:
    results = json.load(open(path))
except Exception as error:
    sys.exit(f"gradescope-e2e: {what}: results.json is not valid JSON: {error}")
tests = results.get("tests")
if not isinstance(results.get("score"), (int, float)) or not isinstance(tests, list) or not tests:
    sys.exit(f"gradescope-e2e: {what}: results.json lacks a score or tests: {results}")
maximum = sum(test.get("max_score", 0) for test in tests)
mode = results.get("extra_data", {}).get("mode")
print(f"gradescope-e2e: {what}: score {results['score']} of {maximum}, {len(tests)} tests, {mode} mode")
if expected == "full":
    want = 100 if mode == "netns" else maximum
else:
    want = float(expected)
if results["score"] != want or maximum <= 0:
    print(results.get("output", ""))
    sys.exit(f"gradescope-e2e: {what}: expected a score of {want}, got {results['score']}")
EOF
}

# submit FILE: the student's submission, alone in /autograder/submission, and no results yet.
submit() {
  rm -rf "$root/submission" "$root/results"
  mkdir -p "$root/submission" "$root/results"
  cp "$1" "$root/submission/server.cpp"
}
printf '// Does not compile: the semicolon is missing.\nint main() {\n  return 0\n}\n' >"$scratch/broken.cpp"

step "run_autograder: a correct submission (reference/$lab.cpp)"
submit "$kit/reference/$lab.cpp"
(cd "$root" && ./run_autograder)
check_results "correct submission" full

step "run_autograder: a submission that does not compile"
submit "$scratch/broken.cpp"
(cd "$root" && ./run_autograder)
check_results "broken submission" 0
python3 - "$root/results/results.json" <<'EOF' || fail "the broken build's test does not show the compiler's error"
import json, sys
build = json.load(open(sys.argv[1]))["tests"][0]
sys.exit(0 if build["status"] == "failed" and "error" in build["output"] else 1)
EOF

locked_down="$kit/build/bin/socklab-locked-down"
if [ -x "$locked_down" ]; then
  step "run_autograder inside socklab-locked-down (no namespaces: loopback mode)"
  submit "$kit/reference/$lab.cpp"
  (cd "$root" && "$locked_down" -- "$root/run_autograder")
  check_results "correct submission, locked down" full
  submit "$scratch/broken.cpp"
  (cd "$root" && "$locked_down" -- "$root/run_autograder")
  check_results "broken submission, locked down" 0
else
  step "SKIPPED the locked-down runs: $locked_down is not built (tests/lockdown/ makes it)"
fi

step "passed"
