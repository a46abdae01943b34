/* bmc_serial_input with Terminal Mode framing (IPMI 2.0 §14.7): everything a device on the
 * serial line can send. The first byte picks the configuration:
 *   bit 0     serial mode: auto, or terminal only
 *   bits 2-4  privilege of session-less requests (0 none .. 4 administrator)
 *   bits 5-7  chunk size - 1 for feeding the rest (1..8 bytes at a time)
 * The rest is the byte stream; Terminal Mode seeds ("[18 00 01]\r", [SYS ...] text
 * commands, line editing) steer the fuzzer into that framer, the hex decoder, the
 * [SYS PWD] login and through the dispatch. */
#include <stdint.h>
#include "serial_harness.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return serial_fuzz_one(data, size, BMC_SERIAL_TERMINAL);
}
