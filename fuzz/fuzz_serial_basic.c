/* bmc_serial_input with Basic Mode framing (IPMI 2.0 §14.4): everything a device on the
 * serial line can send. The first byte picks the configuration:
 *   bit 0     serial mode: auto, or basic only
 *   bits 2-4  privilege of session-less requests (0 none .. 4 administrator)
 *   bits 5-7  chunk size - 1 for feeding the rest (1..8 bytes at a time)
 * The rest is the byte stream; Basic Mode seeds (A0h ... A5h packets around IPMB
 * messages) steer the fuzzer into that framer and through the dispatch. */
#include <stdint.h>
#include <stdlib.h>

#include "fake_platform.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;

	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.serial_enabled = true;
	cfg.serial_mode = (uint8_t)(sel & 1 ? BMC_SERIAL_BASIC : BMC_SERIAL_AUTO);
	cfg.serial_priv = (uint8_t)((sel >> 2) & 7);
	if (cfg.serial_priv > 4)
		cfg.serial_priv = 4;
	struct fake_platform *fp = calloc(1, sizeof *fp);
	if (!fp)
		abort();
	fp->quiet = true;
	struct bmc *bmc = fake_bmc_new(fp, &cfg, true);
	fp->quiet = true;
	size_t chunk = (size_t)(sel >> 5) + 1;
	while (size > 0) {
		size_t k = size < chunk ? size : chunk;
		bmc_serial_input(bmc, data, k);
		data += k;
		size -= k;
		fp->now_ms += 1000;
		bmc_tick(bmc);
	}
	free(bmc);
	free(fp);
	return 0;
}
