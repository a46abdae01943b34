/* UDP sockets for the LAN channel: one per listen address, non-blocking. The index of
 * a socket is the peer's endpoint tag, so replies leave from the socket the request
 * arrived on. */
#ifndef BMCD_NET_H
#define BMCD_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>

#include "addr.h"
#include "config.h"

#define NET_MAX_SOCKETS CONFIG_MAX_LISTEN
#define NET_BATCH 16      /* datagrams per recvmmsg call */
#define NET_DGRAM_MAX 2048 /* larger than any RMCP+ packet; longer datagrams are dropped */
#define NET_OUT_MAX 512    /* replies up to this size are batched; larger go at once */

struct net {
	int fd[NET_MAX_SOCKETS];
	struct net_addr addr[NET_MAX_SOCKETS];
	unsigned n;
	uint64_t dropped_oversize, send_errors;
	/* Replies made while a batch from recvmmsg is processed, sent with one sendmmsg
	 * at its end (issue 7: batching where it helps: with several requests in flight). */
	bool batching;
	unsigned nout;
	/* bufs and out last: net_open does not clear them (see there). */
	uint8_t bufs[NET_BATCH][NET_DGRAM_MAX];
	struct {
		unsigned fd;
		socklen_t tolen;
		struct sockaddr_storage to;
		size_t len;
		uint8_t buf[NET_OUT_MAX];
	} out[NET_BATCH];
};

typedef void net_input_fn(void *arg, const struct bmc_peer *peer, const uint8_t *buf, size_t len);

/* Binds every address. On failure closes what was opened and returns -1 with one line
 * in err naming the address and the fix. */
int net_open(struct net *net, const struct net_addr *addrs, unsigned n, char *err, size_t errlen);
void net_close(struct net *net);
/* Reads up to budget pending datagrams from socket i, calling fn for each. Returns the
 * number read; fewer than budget means the socket is drained. */
unsigned net_drain(struct net *net, unsigned i, unsigned budget, net_input_fn *fn, void *arg);
/* Sends what net_send queued during a batch. */
void net_flush(struct net *net);
/* Sends one datagram from the socket peer->endpoint names (queued while a received
 * batch is processed, and sent at its end). Returns 0 or -1. */
int net_send(struct net *net, const struct bmc_peer *peer, const void *buf, size_t len);

#endif
