#!/bin/sh
# Installs dependencies, builds with AddressSanitizer + UndefinedBehaviorSanitizer and
# runs every test (unit, interop with the real clients, fuzz corpus replay).
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake --preset asan >/dev/null
cmake --build build/asan -j"$(nproc)"
ctest --preset asan -j2 "$@"
