/* RMCP+ cipher suites, IPMI 2.0 §22.15.2 table 22-20. */
#ifndef BMC_CORE_SUITES_H
#define BMC_CORE_SUITES_H

#include "state.h"

struct bmc_suite {
	uint8_t id;
	uint8_t auth, integ, conf;
};

/* The suite with this id that bmcd can implement, or NULL. */
const struct bmc_suite *bmc_suite_by_id(uint8_t id);
/* The enabled suite matching these algorithms, or NULL. */
const struct bmc_suite *bmc_suite_match(const struct bmc *bmc, uint8_t auth, uint8_t integ, uint8_t conf);
/* Writes the ids of the enabled suites, ascending, to ids; returns how many (<= 16). */
size_t bmc_suites_enabled(const struct bmc *bmc, uint8_t ids[16]);

#endif
