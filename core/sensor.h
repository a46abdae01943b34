/* Sensors and the SDR repository, IPMI 2.0 §33-§36, §43: descriptions from the
 * backend, thresholds, hysteresis, event enables and state, event generation. */
#ifndef BMC_CORE_SENSOR_H
#define BMC_CORE_SENSOR_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

/* STUB layout: the sensor engineer defines it. */
struct bmc_sensors {
	unsigned count;
};

void bmc_sensors_init(struct bmc *bmc);
int bmc_sensors_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Reads the backend's sensor descriptions and builds the SDR repository. */
int bmc_sensors_start(struct bmc *bmc);
/* Polls the sensors that are due and raises events. */
void bmc_sensors_tick(struct bmc *bmc);

#endif
