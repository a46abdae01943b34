/* FRU device 0 of the simulated server: the configured [fru] strings. Serial numbers
 * left unconfigured are filled by the core from the system GUID (core/fru.c), so two
 * simulated servers look like different machines even with the same seed. */
#include "sim_internal.h"

void sim_fru_fill(const struct sim *sim, struct bmc_fru_info *out)
{
	*out = sim->cfg.fru;
}
