#!/usr/bin/env bash
# Prints the mutant table of tests/mutants/CMakeLists.txt, one mutant and scenario a line:
# NAME LAB SCENARIO (add_mutant and add_mutant_catch alike), so the decks follow the tests.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
sed -nE 's/^add_mutant(_catch)?\(([a-z0-9-]+) +([a-z0-9-]+) +([a-z0-9-]+) .*/\2 \3 \4/p' \
  "$root/tests/mutants/CMakeLists.txt"
