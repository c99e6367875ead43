#!/usr/bin/env bash
# GitHub Classroom: grades the student's @FILES@ with socklab and hands the points to
# classroom-resources/autograding-grading-reporter as this step's output `result`: base64 of
# {"version": 1, "status", "max_score", "tests": [{"name", "status", "score", "message"}]},
# which is what the reporter decodes and adds up (its src/main.js and notify-classroom.js).
# The output is set however grading ends: when socklab is missing or fails, the reporter gets
# 0 points and the reason. Written by `socklab package github-classroom @LAB@`.
set -uo pipefail # no -e: every way this can end must still set the output

# The job's own limit (timeout-minutes in the workflow) must leave time for the set-up step.
GRADE_TIME_LIMIT_SECONDS=${GRADE_TIME_LIMIT_SECONDS:-1200}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPOSITORY=${GITHUB_WORKSPACE:-$(cd "$here/.." && pwd)}
SOCKLAB=${SOCKLAB:-$here/socklab/build/bin/socklab}
OUTPUT_FILE=${GITHUB_OUTPUT:-/dev/stdout}
LAB=@LAB@
LAB_FOLDER=@LAB_FOLDER@
FILES=(@FILES@)
MAX_POINTS=@MAX_POINTS@

@JSON_TEXT_FUNCTION@

work=$(mktemp -d "${RUNNER_TEMP:-${TMPDIR:-/tmp}}/socklab-grade.XXXXXX")
# socklab builds and runs the student's program as nobody, below this folder. What root made
# there may not be removable without sudo; GitHub empties RUNNER_TEMP after the job anyway.
chmod 755 "$work"
[ -n "${KEEP_GRADE_WORK:-}" ] || trap 'rm -rf "$work" 2>/dev/null || true' EXIT
log="$work/socklab.log"
: >"$log"

hand_over() {
  printf 'result=%s\n' "$(printf '%s' "$1" | base64 -w 0)" >>"$OUTPUT_FILE"
}

# 0 points, status "error", and the reason with the end of socklab's log as the one test's message.
give_up() {
  local message="The autograder could not grade this submission: $1"
  if [ -s "$log" ]; then
    message+=$'\n\nThe last lines of the grader\'s log:\n\n'$(tail -n 40 "$log" | cut -c 1-300)
  fi
  echo "grade.sh: no grade: $1"
  hand_over "$(printf '{"version": 1, "status": "error", "max_score": %s, "tests": [{"name": "socklab %s", "status": "error", "score": 0, "message": %s, "test_code": "", "filename": "", "line_no": 0, "execution_time": 0}]}' \
    "$MAX_POINTS" "$LAB" "$(json_text "$message")")"
  exit 0
}

[ -x "$SOCKLAB" ] || give_up "socklab is not built at $SOCKLAB (the set-up step failed: see its log)."
command -v jq >/dev/null || give_up "jq is not installed (GitHub's ubuntu runners have it; a self-hosted one needs it)."

# The student's files: at the repository's root, or in the lab's folder of a copy of the kit.
# Only they are handed to socklab, which would list every other file of the repository as
# ignored.
origin="$REPOSITORY"
if [ ! -f "$REPOSITORY/${FILES[0]}" ] && [ -f "$REPOSITORY/labs/$LAB_FOLDER/${FILES[0]}" ]; then
  origin="$REPOSITORY/labs/$LAB_FOLDER"
fi
submission="$work/submission"
mkdir -p "$submission"
for file in "${FILES[@]}"; do
  [ ! -f "$origin/$file" ] || cp "$origin/$file" "$submission/"
done

as_root=()
[ "$(id -u)" -eq 0 ] || as_root=(sudo -n)
echo "grade.sh: socklab grade $LAB with ${FILES[*]} from $origin (stopped after ${GRADE_TIME_LIMIT_SECONDS} s)"
"${as_root[@]}" timeout --kill-after=15 "$GRADE_TIME_LIMIT_SECONDS" \
  "$SOCKLAB" grade "$LAB" --submission "$submission" --format gradescope --out "$work/out" 2>&1 |
  tee -a "$log"
status=${PIPESTATUS[0]}
case $status in
  0) ;;
  124 | 137) give_up "grading took longer than $GRADE_TIME_LIMIT_SECONDS seconds and was stopped." ;;
  *)
    if [ "$status" -gt 128 ]; then
      give_up "socklab crashed (killed by signal $((status - 128)))."
    fi
    give_up "socklab ended with exit status $status without a grade."
    ;;
esac

# socklab's Gradescope results.json holds every scenario with its points and reason; the
# reporter wants the same tests in its own words. The maximum is the rubric's total.
converted=$(jq -c --argjson max "$MAX_POINTS" '
  {version: 1,
   status: (if (.score // 0) >= $max then "pass" else "fail" end),
   max_score: $max,
   tests: [(.tests // [])[] | {
     name: .name,
     status: (if .status == "failed" then "fail" else "pass" end),
     score: (.score // 0),
     message: (.output // ""),
     test_code: "", filename: "", line_no: 0, execution_time: 0}]}' "$work/out/results.json" 2>>"$log") ||
  give_up "socklab's results.json could not be read."
hand_over "$converted"
echo "grade.sh: $(jq -r '"\(.score) / \(.tests | map(.max_score // 0) | add // 0) points"' "$work/out/results.json" 2>/dev/null)"
exit 0
