/* STUB: the FRU engineer writes this. */
#include "fru.h"

#include "state.h"

void bmc_fru_init(struct bmc *bmc)
{
	bmc->fru.size = 0;
}

int bmc_fru_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)type; (void)key; (void)value; (void)len;
	return -1;
}

int bmc_fru_start(struct bmc *bmc)
{
	(void)bmc;
	return 0;
}
