/* FRU inventory, IPMI 2.0 §34 and the Platform Management FRU Information Storage
 * Definition v1.0: the image of FRU device 0, generated from the backend's
 * description, written by clients, kept in the store. */
#ifndef BMC_CORE_FRU_H
#define BMC_CORE_FRU_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

/* STUB layout: the FRU engineer defines it. */
struct bmc_fru {
	uint16_t size;
};

void bmc_fru_init(struct bmc *bmc);
int bmc_fru_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Builds the image from the backend unless a stored one was replayed. */
int bmc_fru_start(struct bmc *bmc);

#endif
