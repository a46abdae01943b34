#!/bin/sh
# Installs dependencies, builds bmcd and starts it on its simulated platform on
# 127.0.0.1:623 (state in ./bmcd-state). Extra arguments go to bmcd.
set -eu
cd "$(dirname "$0")/.."
sh scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build build/default -j"$(nproc)" --target bmcd bmcctl
STATE=./bmcd-state
cat <<MSG
bmcd: starting on 127.0.0.1:623 with state in $STATE (Ctrl-C stops it).
  The admin password is in $STATE/initial-admin-password once it has started. Try:
  ipmitool -I lanplus -H 127.0.0.1 -U admin -P "\$(cat $STATE/initial-admin-password)" -C 17 mc info
MSG
exec ./build/default/bmcd --foreground --config conf/bmcd.ini --state-dir "$STATE" "$@"
