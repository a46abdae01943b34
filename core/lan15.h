/* IPMI 1.5 LAN session framing, IPMI 2.0 §13.6. bmcd answers only session-less
 * messages in it (Get Channel Authentication Capabilities and the other pre-session
 * commands every client sends this way); IPMI 1.5 sessions are off. */
#ifndef BMC_CORE_LAN15_H
#define BMC_CORE_LAN15_H

#include "state.h"

/* buf starts at the auth type byte (after the RMCP header). */
void bmc_lan15_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		     size_t len);

#endif
