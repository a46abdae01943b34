/* LAN configuration parameters, IPMI 2.0 §23.1-23.2. */
#ifndef BMC_CORE_LANPARM_H
#define BMC_CORE_LANPARM_H

#include "state.h"

/* Fills bmc->lan from bmc->cfg (MAC, IP, netmask, gateway) and spec defaults. */
void bmc_lanparm_defaults(struct bmc *bmc);
/* Replays a STORE_LANPARM record. Returns 0 or negative. */
int bmc_lanparm_apply(struct bmc *bmc, uint16_t key, const uint8_t *value, size_t len);
/* The most a session using cipher suite id `suite` may reach (param 24). */
uint8_t bmc_lanparm_suite_priv(const struct bmc *bmc, uint8_t suite);

#endif
