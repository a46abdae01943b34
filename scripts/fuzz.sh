#!/bin/sh
# Builds the libFuzzer targets with clang (ASan + UBSan) and runs each for a bounded
# time on a copy of its corpus. FUZZ_SECONDS per target (default 30); a crash fails.
# CI runs it short; run it with FUZZ_SECONDS=600 for a longer, nightly-style search.
set -eu
cd "$(dirname "$0")/.."
SECONDS_PER_TARGET=${FUZZ_SECONDS:-30}
cmake --preset fuzz >/dev/null
cmake --build build/fuzz -j"$(nproc)"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
for bin in build/fuzz/fuzz/fuzz_*; do
	name=${bin##*/fuzz_}
	mkdir -p "$work/$name"
	cp -r "fuzz/corpus/$name/." "$work/$name/"
	echo "fuzz: $name for ${SECONDS_PER_TARGET}s"
	"$bin" -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$work/" "$work/$name" 2>"$work/$name.log" || {
		tail -40 "$work/$name.log"
		echo "fuzz: $name FAILED; the crashing input is above"
		exit 1
	}
	grep -E "^#[0-9]+ *DONE" "$work/$name.log" || true
done
echo "fuzz: every target ran without a finding"
