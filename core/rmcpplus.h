/* The IPMI 2.0 / RMCP+ session wrapper, IPMI 2.0 §13.6, §13.28: payload types,
 * session ids and sequence numbers, integrity (HMAC-SHA1-96, HMAC-SHA256-128) and
 * confidentiality (AES-CBC-128). */
#ifndef BMC_CORE_RMCPPLUS_H
#define BMC_CORE_RMCPPLUS_H

#include "state.h"

/* buf starts at the auth type byte (06h), after the RMCP header. */
void bmc_rmcpplus_input(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, const uint8_t *buf,
			size_t len);
/* Sends a payload outside any session (session id 0, no trailer): the set-up
 * messages and session-less IPMI replies. */
void bmc_rmcpplus_send_plain(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, uint8_t ptype,
			     const uint8_t *payload, size_t len);
/* Sends a payload inside an active session, encrypted and authenticated as the
 * session's algorithms require. */
void bmc_rmcpplus_send_session(struct bmc *bmc, struct bmc_session *s, uint8_t ptype, const uint8_t *payload,
			       size_t len);
/* Sequence-number window: true (and recorded) when seq was not seen and is not older
 * than the window. IPMI 2.0 §6.12.13 allows a window; bmcd uses 32 behind the highest. */
bool bmc_seq_accept(struct bmc_session *s, uint32_t seq);

#endif
