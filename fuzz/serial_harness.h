/* The body shared by fuzz_serial_basic and fuzz_serial_terminal: a fresh BMC with
 * the serial channel on, fed the input in chunks. Byte 0 selects bit 0 auto or the
 * pinned mode, bits 4:2 the session-less privilege, bits 7:5 the chunk size - 1. */
#ifndef BMC_FUZZ_SERIAL_HARNESS_H
#define BMC_FUZZ_SERIAL_HARNESS_H

#include <stdint.h>
#include <stdlib.h>

#include "fake_platform.h"

static inline int serial_fuzz_one(const uint8_t *data, size_t size, uint8_t pinned_mode)
{
	if (size < 1)
		return 0;
	uint8_t sel = data[0];
	data++;
	size--;

	struct bmc_config cfg;
	bmc_config_defaults(&cfg);
	cfg.serial_enabled = true;
	cfg.serial_mode = (uint8_t)(sel & 1 ? pinned_mode : BMC_SERIAL_AUTO);
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

#endif
