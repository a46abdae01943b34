/* RMCP framing (DMTF ASF / IPMI 2.0 §13.1): routes a datagram to ASF, IPMI 1.5 or
 * RMCP+ handling. */
#ifndef BMC_CORE_RMCP_H
#define BMC_CORE_RMCP_H

#include "state.h"

void bmc_rmcp_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		    size_t len);
/* Sends a reply datagram and counts it. */
void bmc_rmcp_send(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		   size_t len);

/* Writes the 4-byte RMCP header for a reply of this class. */
void bmc_rmcp_header(struct bmc_writer *w, uint8_t class);

#endif
