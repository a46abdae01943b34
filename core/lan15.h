/* IPMI 1.5 LAN session framing, IPMI 2.0 §13.6 and §22.15-22.17. Session-less
 * messages (Get Channel Authentication Capabilities and the other pre-session commands
 * every client sends this way) are always answered. IPMI 1.5 sessions — Get Session
 * Challenge, Activate Session, then MD5-authenticated messages — exist only when the
 * configuration enables them (ipmi15): they have no confidentiality. */
#ifndef BMC_CORE_LAN15_H
#define BMC_CORE_LAN15_H

#include "state.h"

/* buf starts at the auth type byte (after the RMCP header). */
void bmc_lan15_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
		     size_t len);
/* The 16-byte IPMI 1.5 MD5 auth code over msg for session id sid and sequence seq
 * (§22.17.1): MD5(password | sid | msg | seq | password). */
/* Sends a message inside an active IPMI 1.5 session (the next outbound sequence). */
void bmc_lan15_send_session(struct bmc *bmc, struct bmc_session *s, const uint8_t *msg, size_t len);
void bmc_lan15_authcode(const uint8_t key[16], uint32_t sid, uint32_t seq, const uint8_t *msg, size_t len,
			uint8_t out[16]);

#endif
