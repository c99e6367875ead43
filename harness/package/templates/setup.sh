#!/usr/bin/env bash
# Installs what socklab needs and builds it, once per autograder image: Gradescope runs this as
# root from /autograder/source when it builds the image (Ubuntu 22.04 by default; Debian 12
# works the same); the Autolab and GitHub Classroom packages run it the same way. Without root it
# uses sudo. Written by `socklab package` for the @LAB@ lab: the kit's source is in socklab/
# beside this script, toml++'s headers in third_party/.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
kit="$here/socklab"
build="$kit/build"
lab=@LAB@

step() { printf '\nsetup.sh: %s\n' "$*"; }
fail() {
  echo "setup.sh: $*" >&2
  exit 1
}
# set -e stops at the first command that fails; this says which one, so that the image's build
# log explains itself instead of ending on a bare exit status.
trap 'echo "setup.sh: FAILED (exit status $?) at line $LINENO: $BASH_COMMAND" >&2' ERR

[ -f "$kit/CMakeLists.txt" ] || fail "the kit is missing: expected $kit/CMakeLists.txt beside this script"
if [ "$(id -u)" -eq 0 ]; then
  sudo=()
elif command -v sudo >/dev/null; then
  sudo=(sudo)
else
  fail "run as root (apt-get and /usr/local/include need it), or install sudo"
fi
# A zip unpacked by a tool that ignores permission bits leaves nothing runnable; these are run
# by name later.
chmod +x "$kit/scripts/"* "$here"/run_autograder "$here"/grade.sh 2>/dev/null || true
[ ! -f /autograder/run_autograder ] || "${sudo[@]}" chmod +x /autograder/run_autograder

step "toml++ (lab manifests)"
# Ubuntu 22.04 packages no toml++. Where apt lacks it, the headers this package carries go to
# /usr/local/include, where CMake finds them and install-deps sees them and skips the package.
toml_status=$(dpkg-query -W -f='${Status}' libtomlplusplus-dev 2>/dev/null || true)
if [ "$toml_status" = "install ok installed" ]; then
  echo "  libtomlplusplus-dev is installed"
elif ls /usr/local/include/toml++/toml.h* >/dev/null 2>&1; then
  echo "  found in /usr/local/include/toml++"
else
  "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  if apt-cache show libtomlplusplus-dev >/dev/null 2>&1; then
    echo "  apt has libtomlplusplus-dev: install-deps installs it"
  else
    [ -d "$here/third_party/toml++" ] || fail "this release packages no toml++ and the package's copy is missing ($here/third_party/toml++)"
    echo "  this release packages no toml++: installing the package's copy into /usr/local/include/toml++"
    "${sudo[@]}" mkdir -p /usr/local/include
    "${sudo[@]}" cp -R "$here/third_party/toml++" /usr/local/include/
  fi
fi

step "packages (socklab/scripts/install-deps)"
bash "$kit/scripts/install-deps"

step "configure"
# No tests and no benchmarks: the image needs socklab and the lab's reference only. The mutants
# need no switch of their own: SOCKLAB_MUTANTS is an option of tests/, which BUILD_TESTING=OFF
# leaves out (given anyway, CMake would warn that it went unused).
cmake -S "$kit" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DBUILD_TESTING=OFF -DSOCKLAB_BENCH=OFF

step "build socklab, ref-$lab and the toolkit student programs link with"
# Each compiler process of the harness takes up to about 1 GiB: at most 4 at once, so that an
# image builder with many cores and little memory does not run out of it.
jobs=${SOCKLAB_BUILD_JOBS:-$(nproc)}
[ "$jobs" -le 4 ] || jobs=4
cmake --build "$build" -j "$jobs" --target socklab "ref-$lab" socklab_net

step "check"
[ -f "$build/bin/lab-build-recipe.txt" ] || fail "the build made no $build/bin/lab-build-recipe.txt: socklab grade --submission cannot build students' files without it"
"$build/bin/socklab" list >/dev/null || fail "the socklab just built does not run: $build/bin/socklab list failed"
echo "setup.sh: ready: $build/bin/socklab grades the $lab lab"
