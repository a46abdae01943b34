/* STUB: the chassis engineer writes this. */
#include "chassis.h"

#include "state.h"

void bmc_chassis_init(struct bmc *bmc)
{
	bmc->chassis.restore_policy = 0;
}

int bmc_chassis_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)type; (void)key; (void)value; (void)len;
	return -1;
}

int bmc_chassis_start(struct bmc *bmc)
{
	(void)bmc;
	return 0;
}

void bmc_chassis_tick(struct bmc *bmc)
{
	(void)bmc;
}

int bmc_chassis_do(struct bmc *bmc, enum bmc_chassis_action action)
{
	(void)bmc; (void)action;
	return -1;
}
