/* STUB: the sensor engineer writes this. */
#include "sensor.h"

#include "state.h"

void bmc_sensors_init(struct bmc *bmc)
{
	bmc->sensors.count = 0;
}

int bmc_sensors_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len)
{
	(void)bmc; (void)type; (void)key; (void)value; (void)len;
	return -1;
}

int bmc_sensors_start(struct bmc *bmc)
{
	(void)bmc;
	return 0;
}

void bmc_sensors_tick(struct bmc *bmc)
{
	(void)bmc;
}

int bmc_sensor_lookup(const struct bmc *bmc, const char *id)
{
	(void)bmc; (void)id;
	return -1;
}

void bmc_sensor_refresh(struct bmc *bmc, int index)
{
	(void)bmc; (void)index;
}
