/* Chassis device and watchdog, IPMI 2.0 §28 and §27: power control, identify, power
 * restore policy, restart cause, boot options, POH counter, the watchdog timer. */
#ifndef BMC_CORE_CHASSIS_H
#define BMC_CORE_CHASSIS_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

/* STUB layout: the chassis engineer defines it. */
struct bmc_chassis {
	uint8_t restore_policy;
};

void bmc_chassis_init(struct bmc *bmc);
int bmc_chassis_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Applies the power restore policy (the daemon's start is the "AC power returned"). */
int bmc_chassis_start(struct bmc *bmc);
/* Watchdog countdown, identify timeout, POH counting. */
void bmc_chassis_tick(struct bmc *bmc);

#endif
