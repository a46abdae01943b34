#!/bin/sh
# Installs dependencies, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs every test: each fuzz target for a bounded time (clang), then ctest (unit tests,
# interop with the real clients, fuzz corpus replay). ctest's summary closes the run.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-20} sh scripts/fuzz.sh
cmake --preset asan >/dev/null
cmake --build build/asan -j"$(nproc)"
ctest --preset asan -j2 "$@"
