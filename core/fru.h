/* FRU inventory, IPMI 2.0 §34 and the Platform Management FRU Information Storage
 * Definition v1.0: the image of FRU device 0, generated from the backend's
 * description, written by clients, kept in the store. */
#ifndef BMC_CORE_FRU_H
#define BMC_CORE_FRU_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bmc/backend.h"
#include "bmc/buf.h"
#include "bmc/store.h"

/* The whole image is one store record, so it can be no larger than one. */
#define BMC_FRU_MAX_SIZE BMC_STORE_MAX_VALUE
/* The device size when the platform does not give one. */
#define BMC_FRU_DEFAULT_SIZE 1024u
/* Smaller sizes are raised to this, so the largest generated image always fits
 * (BMC_FRU_BUILD_MAX in fru_image.h). */
#define BMC_FRU_MIN_SIZE 512u

struct bmc;

struct bmc_fru {
	uint16_t size;        /* bytes in FRU device 0; set by bmc_fru_start */
	uint16_t stored_len;  /* length of the image replayed from the store, 0 if none */
	bool client_image;    /* image holds what clients wrote (stored), not a generated one */
	uint8_t image[BMC_FRU_MAX_SIZE];
};

void bmc_fru_init(struct bmc *bmc);
int bmc_fru_apply(struct bmc *bmc, uint16_t type, uint16_t key, const uint8_t *value, size_t len);
/* Builds the image from the backend unless a stored one was replayed. */
int bmc_fru_start(struct bmc *bmc);

/* The description used when the backend has no fru_info op (or it fails): FRU 0 always
 * exists. Serial numbers come from the system GUID, so each BMC's differ. */
void bmc_fru_default_info(const struct bmc *bmc, struct bmc_fru_info *out);

/* Write FRU Data, IPMI 2.0 §34.3, for device 0: `n` bytes from `data` at `offset`,
 * durable before it takes effect. Returns a completion code. */
uint8_t bmc_fru_write(struct bmc *bmc, uint16_t offset, struct bmc_reader *data, size_t n);

#endif
