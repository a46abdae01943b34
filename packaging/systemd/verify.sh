#!/bin/sh
# Checks packaging/systemd/bmcd.service with systemd-analyze verify (syntax, known
# directives, and that ExecStart names an executable: the built bmcd is put in place
# of the installed path). Exits 0 without checking when systemd-analyze is missing.
set -eu
unit="$1"
bmcd="$2"
if ! command -v systemd-analyze >/dev/null 2>&1; then
	echo "verify.sh: systemd-analyze not found; skipped"
	exit 0
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
sed "s#/usr/local/sbin/bmcd#$bmcd#" "$unit" >"$dir/bmcd.service"
out=$(systemd-analyze verify "$dir/bmcd.service" 2>&1) || {
	echo "$out"
	exit 1
}
# verify exits 0 on some warnings (unknown keys in older versions): treat them as errors.
if printf '%s\n' "$out" | grep -E "bmcd.service:[0-9]+:|Unknown|Failed|invalid" >/dev/null; then
	echo "$out"
	exit 1
fi
echo "verify.sh: bmcd.service OK"
