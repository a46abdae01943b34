/* bmc_serial_input with Basic Mode framing (IPMI 2.0 §14.4): everything a device on the
 * serial line can send. The first byte picks the configuration:
 *   bit 0     serial mode: auto, or basic only
 *   bits 2-4  privilege of session-less requests (0 none .. 4 administrator)
 *   bits 5-7  chunk size - 1 for feeding the rest (1..8 bytes at a time)
 * The rest is the byte stream; Basic Mode seeds (A0h ... A5h packets around IPMB
 * messages) steer the fuzzer into that framer and through the dispatch. */
#include <stdint.h>
#include "serial_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return serial_fuzz_one(data, size, BMC_SERIAL_BASIC);
}
