/* ASF presence ping / pong, DMTF DSP0136 §3.2.4, used by rmcpping and ipmiping. */
#ifndef BMC_CORE_ASF_H
#define BMC_CORE_ASF_H

#include "state.h"

void bmc_asf_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t rmcp_seq,
		   const uint8_t *buf, size_t len);

#endif
