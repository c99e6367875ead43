#!/bin/sh
# The browser test as ctest runs it: every deck, and where the mutants are built two sample
# report pages, in headless Chromium (check-decks.mjs). node is looked for now, not when CMake
# ran: `make test` configures the build before slides/build.sh installs nodejs.
# usage: browser-check.sh SOCKLAB_BIN_DIR SAMPLES_FOLDER     exit 77: skipped, saying why
set -u
here=$(dirname "$0")
bin=$1 samples=$2
node=$(command -v node) || { echo "SKIPPED: node is not installed (make slides installs nodejs and npm)"; exit 77; }
if [ ! -x "$bin/mutants/mutant-drop-on-eagain" ]; then
  # A build without the mutants (the sanitizer build) checks the decks alone.
  exec "$node" "$here/check-decks.mjs"
fi
"$here/sample-reports.sh" "$bin" "$samples" || exit 1
exec "$node" "$here/check-decks.mjs" --report failing="$samples/failing/report.html" \
  --report passing="$samples/passing/report.html"
