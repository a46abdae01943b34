#!/bin/sh
# Installs what bmcd needs to build, run and test on Debian 12 (run as root).
# Shared by both set-up commands of the README and by .ci/run.
set -eu
PKGS="build-essential cmake pkg-config libssl-dev libcmocka-dev libseccomp-dev clang libclang-rt-14-dev
      python3 ipmitool freeipmi-tools python3-pyghmi openipmi socat prometheus-ipmi-exporter
      nmap python3-cryptography"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
	echo "install-deps: installing:$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
echo "install-deps: all dependencies present"
