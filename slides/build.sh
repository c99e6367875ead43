#!/usr/bin/env bash
# Builds every deck: slides/NN-*.md -> slides/build/NN-*.html (and .pdf where Chromium is
# installed). This is the whole of `make slides`: it installs what it lacks (as root, from
# Debian), runs `npm ci`, generates every picture from traces/, tests/mutants/, bench/results/
# and diagrams/, then runs Marp. Nothing in slides/build/ is drawn by hand.
#   SLIDES_MUTANTS=0  skip running the mutants; their slides use mutants-recorded.json
#   SLIDES_PDF=0      HTML only
#   SLIDES_OPTIONAL=1 (make test) a deck build that cannot get its tools (no npm registry, no
#                     root to install packages) writes why to build/NOT-BUILT and exits 0, so the
#                     browser test is skipped with that reason instead of failing every test run
set -euo pipefail
slides=$(cd "$(dirname "$0")" && pwd)
root=$(dirname "$slides")
cd "$slides"
started=$(date +%s)

say() { printf 'slides: %s\n' "$*"; }
die() { printf 'slides: %s\n' "$*" >&2; exit 1; }
# A missing tool: fatal for `make slides`; for `make test`, a stated reason to skip the check.
cannot_build() {
  if [[ ${SLIDES_OPTIONAL:-0} == 1 ]]; then
    mkdir -p "$slides/build"
    printf '%s\n' "$*" >"$slides/build/NOT-BUILT"
    printf 'slides: not built: %s\n' "$*" >&2
    exit 0
  fi
  die "$*"
}
rm -f "$slides/build/NOT-BUILT"

[[ -x $root/build/bin/socklab ]] ||
  die "build/bin/socklab is missing: run make build first (the ladders are drawn by socklab trace show)"

# ---- what the build needs ----------------------------------------------------------------------
apt_missing=()
command -v dot >/dev/null || apt_missing+=(graphviz)
command -v gnuplot >/dev/null || apt_missing+=(gnuplot-nox)
[[ -x /usr/bin/chromium ]] || apt_missing+=(chromium)
if ! command -v npm >/dev/null; then
  # Debian's npm depends on Debian's nodejs; a node from elsewhere without npm cannot take it.
  if command -v node >/dev/null; then
    cannot_build "node is installed but npm is not; install npm with the same source as $(command -v node)"
  fi
  apt_missing+=(nodejs npm)
fi
if ((${#apt_missing[@]})); then
  if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
    say "installing ${apt_missing[*]}"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y --no-install-recommends "${apt_missing[@]}" >/dev/null ||
      { apt-get update >/dev/null && apt-get install -y --no-install-recommends "${apt_missing[@]}" >/dev/null; }
  else
    for tool in "${apt_missing[@]}"; do
      case $tool in
        chromium) say "no /usr/bin/chromium: HTML only, no PDF (apt-get install chromium)" ;;
        *) cannot_build "missing $tool: run as root, or apt-get install ${apt_missing[*]}" ;;
      esac
    done
  fi
fi

# npm ci empties node_modules first; skip it while the installed tree matches the lock file.
export PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 PUPPETEER_SKIP_DOWNLOAD=1
if [[ ! -f node_modules/.package-lock.json || package-lock.json -nt node_modules/.package-lock.json ]]; then
  say "npm ci"
  if ! npm_output=$(npm ci --no-audit --no-fund --loglevel=error 2>&1); then
    printf '%s\n' "$npm_output" >&2
    cannot_build "npm ci could not install Marp and playwright-core from the npm registry ($(printf '%s\n' "$npm_output" | grep -m1 -o 'request to .*' || printf '%s\n' "$npm_output" | tail -1))"
  fi
fi

# ---- pictures and staged decks -----------------------------------------------------------------
mkdir -p build/img
if [[ ${SLIDES_MUTANTS:-1} != 0 ]]; then
  say "running each mutant against the scenario that catches it (reused when unchanged)"
  tools/mutant-evidence.sh
fi
node tools/build-decks.mjs

# ---- Marp ------------------------------------------------------------------------------------
marp=("$slides/node_modules/.bin/marp" --theme-set "$slides/theme/socklab.css" --html
      --allow-local-files --no-stdin)
say "marp: HTML"
(cd build && "${marp[@]}" ./[0-9][0-9]-*.md) >/dev/null
if [[ -x /usr/bin/chromium && ${SLIDES_PDF:-1} != 0 ]]; then
  say "marp: PDF"
  # Chromium refuses to run as root with its sandbox on; this build only renders our own files.
  (cd build && CHROME_PATH=/usr/bin/chromium CHROME_NO_SANDBOX=1 \
     "${marp[@]}" --pdf ./[0-9][0-9]-*.md) >/dev/null
fi

say "built in $(( $(date +%s) - started )) s:"
for html in build/[0-9][0-9]-*.html; do
  deck=${html%.html}
  printf '  %s%s\n' "slides/$html" "$([[ -f $deck.pdf ]] && printf '  slides/%s.pdf' "$deck")"
done
say "open one in a browser (press P for the presenter view with the speaker notes);"
say "check them all in headless Chromium: node slides/test/check-decks.mjs"
