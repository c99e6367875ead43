# Thin entry points; the build itself is CMake (CMakePresets.json). Each target installs what it
# needs first (scripts/install-deps), so a fresh Debian or Ubuntu machine needs nothing else.
JOBS ?= $(shell nproc)

.PHONY: all deps build demo test test-default test-sanitize bench slides clean

all: build

deps:
	scripts/install-deps

build: deps
	cmake --preset default
	cmake --build --preset default -j $(JOBS)

# The main job: the harness runs every scenario of every lab against its reference server.
demo: build
	build/bin/socklab check --all -j 2

# Every test twice: a release build, then everything rebuilt with ASan and UBSan.
test: test-default test-sanitize

# The slides are built first: a test opens every deck in headless Chromium. Where the decks
# cannot be built (no npm registry, no root for the packages) that test is skipped, saying why.
test-default: build
	SLIDES_OPTIONAL=1 slides/build.sh
	ctest --preset default -j 2

test-sanitize: deps
	cmake --preset sanitize
	cmake --build --preset sanitize -j $(JOBS)
	ctest --preset sanitize -j 2

# The reference servers against each other (idle connections: bench/results/scaling*) and
# against redis-server and memcached (bench/results/peers*), summed up in bench/RESULTS.md.
# About 3 + 3 minutes on a 2-core machine (measured: 5.5 min); server on core 0, load on core 1.
bench: build
	scripts/install-deps bench
	build/bin/socklab bench scaling
	build/bin/socklab bench peers

# The lecture decks, slides/build/<deck>.html (and .pdf): slides/build.sh installs what it needs
# (Graphviz, gnuplot, Chromium, Node with the pinned Marp CLI) and draws every picture from the
# golden traces, the mutants' runs and bench/results.
slides: build
	slides/build.sh

clean:
	rm -rf build build-sanitize out slides/build
