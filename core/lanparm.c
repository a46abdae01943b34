/* STUB: to be written. */
#include <string.h>

#include "lanparm.h"

void bmc_lanparm_defaults(struct bmc *bmc)
{
	memcpy(bmc->lan.mac, bmc->cfg.mac, 6);
}
int bmc_lanparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)key; (void)value; (void)len;
	return -1;
}
uint8_t bmc_lanparm_suite_priv(const struct bmc *bmc, uint8_t suite)
{
	(void)bmc; (void)suite;
	return PRIV_ADMIN;
}
