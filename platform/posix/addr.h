/* Listen addresses: "ADDR[:PORT]" text to a socket address and back. */
#ifndef BMCD_ADDR_H
#define BMCD_ADDR_H

#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "bmc/platform.h"

#define ADDR_DEFAULT_PORT 623 /* RMCP, IPMI 2.0 §13.1 */
#define ADDR_TEXT_MAX 64      /* "[v6 address]:65535" fits */

struct net_addr {
	struct sockaddr_storage ss;
	socklen_t len;
};

/* Parses "1.2.3.4", "1.2.3.4:623", "::1", "[::1]" or "[::1]:623" (numeric only: a BMC
 * must not depend on name resolution to start). Returns 0 or -1. */
int addr_parse(const char *text, struct net_addr *out);
/* Formats a as "1.2.3.4:623" or "[::1]:623". */
void addr_format(const struct net_addr *a, char *out, size_t outlen);
/* Converts between a socket address and the core's transport-neutral peer. */
int addr_to_peer(const struct sockaddr_storage *ss, uint16_t endpoint, struct bmc_peer *peer);
socklen_t addr_from_peer(const struct bmc_peer *peer, struct sockaddr_storage *ss);

#endif
