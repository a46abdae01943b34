/* FRU device 0 of the simulated server: the configured [fru] strings, with serial
 * numbers and the asset tag derived from the seed when not configured, so that two
 * simulated servers with different seeds look like different machines. */
#include <stdio.h>

#include "sim_internal.h"

static void derive(char *dst, size_t cap, const char *prefix, uint32_t seed, uint64_t salt)
{
	uint64_t s = ((uint64_t)seed << 32) ^ salt;
	if (dst[0])
		return;
	snprintf(dst, cap, "%s%08X", prefix, (unsigned)(sim_prng_next(&s) & 0xFFFFFFFFu));
}

void sim_fru_fill(const struct sim *sim, struct bmc_fru_info *out)
{
	*out = sim->cfg.fru;
	derive(out->chassis_serial, sizeof out->chassis_serial, "CH", sim->cfg.seed, 0xC4A5);
	derive(out->board_serial, sizeof out->board_serial, "MB", sim->cfg.seed, 0xB0A2);
	derive(out->product_serial, sizeof out->product_serial, "SN", sim->cfg.seed, 0x5E71);
	derive(out->product_asset, sizeof out->product_asset, "ASSET-", sim->cfg.seed, 0xA55E);
}
