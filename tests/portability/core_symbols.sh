#!/bin/sh
# The portable core (DESIGN.md §2-3) may call nothing but freestanding-friendly C
# library functions: no syscalls, no allocation, no stdio streams. Everything else it
# needs comes through struct bmc_platform / bmc_backend or crypto.h. This lists what
# libbmccore.a leaves undefined and fails on anything outside the allow-list.
set -eu
lib=$1
allowed='^(memchr|memcmp|memcpy|memmove|memset|strcmp|strncmp|strlen|strnlen|snprintf|vsnprintf|__stack_chk_fail|__stack_chk_guard|_GLOBAL_OFFSET_TABLE_|__(a|ub)san_.*|__sanitizer_.*|__sancov_.*|__llvm_.*)$'
# crypto.h is the port's to supply (crypto/openssl.c here).
crypto='^bmc_(hash_len|hmacv?|digestv|aes128_cbc|ct_equal|wipe|crypto_forget)$'
defined=$(nm -g --defined-only "$lib" 2>/dev/null | awk 'NF==3 {print $3}' | sort -u)
undefined=$(nm -u "$lib" 2>/dev/null | awk 'NF==2 {print $2}' | sort -u)
bad=$(printf '%s\n' "$undefined" | grep -vxF -e "$defined" | grep -vE "$allowed" | grep -vE "$crypto" || true)
if [ -n "$bad" ]; then
	echo "core_symbols: ${lib##*/} calls outside the portable allow-list:"
	printf '  %s\n' $bad
	exit 1
fi
echo "core_symbols: $(printf '%s\n' "$undefined" | grep -vxF -e "$defined" | wc -l) external symbols, all allowed"
