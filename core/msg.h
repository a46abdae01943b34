/* The IPMI message inside a LAN packet, IPMI 2.0 §13.8: addresses, netfn/LUN,
 * sequence, command, data and two checksums. */
#ifndef BMC_CORE_MSG_H
#define BMC_CORE_MSG_H

#include "state.h"

/* Smallest request: rsAddr netFn chk1 rqAddr rqSeq cmd chk2. */
#define BMC_MSG_MIN 7u

/* Parses the request message in buf, runs it through dispatch with the given session
 * (NULL outside one) and privilege, and writes the complete response message to out.
 * Returns 0 when a response was written, -1 when the request is malformed (bad
 * checksum, a response netfn, too short) and must be dropped. */
int bmc_msg_process(struct bmc *bmc, uint8_t channel, const struct bmc_peer *peer, struct bmc_session *session,
		    uint8_t priv, const uint8_t *buf, size_t len, struct bmc_writer *out);

/* Two's-complement checksum: the byte that makes the sum of p[0..n) plus it zero. */
uint8_t bmc_ipmi_checksum(const uint8_t *p, size_t n);

#endif
