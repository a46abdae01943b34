/* The SDR repository, IPMI 2.0 §33 and §43: records generated from the sensor table,
 * plus one FRU device locator (FRU 0) and one management controller locator (the
 * BMC). Record ids are dense: 1..n for the sensors in backend order, then n+1 (FRU
 * locator) and n+2 (MC locator), so finding a record and its successor is O(1). */
#ifndef BMC_CORE_SDR_H
#define BMC_CORE_SDR_H

#include <stddef.h>
#include <stdint.h>

struct bmc;

#define SDR_VERSION 0x51      /* IPMI 2.0 SDRs, §43 */
#define SDR_HEADER_LEN 5
#define SDR_MAX_RECORD 64     /* full sensor record with a 16-byte ID string */
#define SDR_ID_FIRST 0x0000   /* Get SDR: "first record" */
#define SDR_ID_LAST 0xFFFF    /* Get SDR: "last record"; also "no next record" */

enum {
	SDR_FULL = 0x01,
	SDR_COMPACT = 0x02,
	SDR_EVENT_ONLY = 0x03,
	SDR_FRU_LOCATOR = 0x11,
	SDR_MC_LOCATOR = 0x12,
};

/* Records in the repository. */
uint16_t bmc_sdr_count(const struct bmc *bmc);
/* Resolves a requested record id (0000h = first, FFFFh = last) to a record id, or 0
 * when there is no such record. */
uint16_t bmc_sdr_resolve(const struct bmc *bmc, uint16_t id);
/* The record id after `id`, or FFFFh after the last one. */
uint16_t bmc_sdr_next(const struct bmc *bmc, uint16_t id);
/* Writes record `id` (resolved) to buf. Returns its length, or -1. */
int bmc_sdr_encode(struct bmc *bmc, uint16_t id, uint8_t *buf, size_t cap);

#endif
