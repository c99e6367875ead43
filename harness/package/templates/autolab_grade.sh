#!/usr/bin/env bash
# Autolab: grades the student's handin in the current folder with socklab and prints its
# autolab.txt, whose last line is the {"scores": ...} line Autolab reads (keyed by rubric
# category: name the assessment's problems after them). When no grade can be made, it prints why
# and a scores line of zeros, still last. Written by `socklab package autolab @LAB@`.
set -uo pipefail # no -e: every way this can end must still print the scores line last

# Autolab stops the job at the assessment's autograder timeout (180 s unless changed in its
# settings). socklab is stopped a margin earlier so that the scores line still gets printed:
# raise this with that timeout.
GRADE_TIME_LIMIT_SECONDS=${GRADE_TIME_LIMIT_SECONDS:-170}

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
HANDIN_DIR=${HANDIN_DIR:-$PWD}
LAB=@LAB@
FILES=(@FILES@)
FALLBACK_SCORES='@FALLBACK_SCORES@'

work="$here/work"
submission="$work/submission"
log="$work/socklab.log"
rm -rf "$work"
mkdir -p "$submission"
# socklab builds and runs the student's program as nobody when it runs as root.
chmod 755 "$here" "$work"
: >"$log"

give_up() {
  echo "autograde: no grade: $1"
  if [ -s "$log" ]; then
    echo "autograde: the last lines of socklab's log:"
    # Printable ASCII only: the log may quote any bytes, and Autolab stores the output as text.
    tail -n 40 "$log" | cut -c 1-300 | LC_ALL=C tr -cd '\11\12\40-\176'
  fi
  echo "$FALLBACK_SCORES"
  exit 0
}

socklab=${SOCKLAB:-}
if [ -z "$socklab" ]; then
  for candidate in /opt/socklab-autograde/socklab/build/bin/socklab "$here/socklab/build/bin/socklab"; do
    if [ -x "$candidate" ]; then
      socklab=$candidate
      break
    fi
  done
fi
if [ -z "$socklab" ] || [ ! -x "$socklab" ]; then
  give_up "socklab is not installed in this grading image. Build it into the image once, as root: tar -xf autograde.tar -C /opt && /opt/socklab-autograde/setup.sh"
fi

# The handin is the lab's file itself, or a tar holding it. Only the lab's files are taken.
copied=0
for file in "${FILES[@]}"; do
  if [ -f "$HANDIN_DIR/$file" ]; then
    cp "$HANDIN_DIR/$file" "$submission/" && copied=$((copied + 1))
  fi
done
if [ "$copied" -eq 0 ]; then
  for archive in "$HANDIN_DIR"/handin.tar "$HANDIN_DIR"/handin.tgz "$HANDIN_DIR"/handin.tar.gz; do
    if [ -f "$archive" ]; then
      tar -xf "$archive" -C "$submission" --no-same-owner --no-same-permissions >>"$log" 2>&1 ||
        give_up "the handin $(basename "$archive") is not a readable tar archive."
      break
    fi
  done
fi

timeout --kill-after=10 "$GRADE_TIME_LIMIT_SECONDS" \
  "$socklab" grade "$LAB" --submission "$submission" --format autolab --out "$work/out" >>"$log" 2>&1
status=$?
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
scores_file="$work/out/autolab.txt"
[ -s "$scores_file" ] || give_up "socklab finished but wrote no autolab.txt."
last_line=$(tail -n 1 "$scores_file")
case $last_line in
  '{"scores":'*) cat "$scores_file" ;;
  *) give_up "socklab's autolab.txt does not end with a scores line." ;;
esac
exit 0
