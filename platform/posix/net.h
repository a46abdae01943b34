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
#include "outq.h"

#define NET_MAX_SOCKETS CONFIG_MAX_LISTEN
#define NET_BATCH 16      /* datagrams per recvmmsg call */
#define NET_DGRAM_MAX 2048 /* larger than any RMCP+ packet; longer datagrams are dropped */

struct net {
	int fd[NET_MAX_SOCKETS];
	struct net_addr addr[NET_MAX_SOCKETS];
	unsigned n;
	uint64_t dropped_oversize;
	/* Replies made while a batch from recvmmsg is processed, sent at its end after one
	 * group commit of the batch's store records (outq.h; q.hooks set by the loop).
	 * q's messages (last in struct outq) and bufs last: net_open does not clear them. */
	struct outq q;
	uint8_t bufs[NET_BATCH][NET_DGRAM_MAX];
};

/* One received datagram. Returns 0 to go on, nonzero to stop reading (the replies
 * already queued still leave at the batch's end). */
typedef int net_input_fn(void *arg, const struct bmc_peer *peer, const uint8_t *buf, size_t len);

/* Binds every address. On failure closes what was opened and returns -1 with one line
 * in err naming the address and the fix. */
int net_open(struct net *net, const struct net_addr *addrs, unsigned n, char *err, size_t errlen);
void net_close(struct net *net);
/* Reads up to budget pending datagrams from socket i, calling fn for each. Returns the
 * number read; fewer than budget means the socket is drained. */
unsigned net_drain(struct net *net, unsigned i, unsigned budget, net_input_fn *fn, void *arg);
/* The receive path net_drain and the fleet's members share: up to budget datagrams from
 * fd, one recvmmsg per batch into bufs, fn called for each (peers tagged endpoint); a
 * batch's replies wait in q for its group commit. Oversized datagrams are dropped and
 * counted in *oversize. Returns the number read; *stop receives fn's nonzero answer,
 * which ends the reading early (0 otherwise). */
unsigned net_drain_fd(int fd, uint16_t endpoint, uint8_t (*bufs)[NET_DGRAM_MAX], struct outq *q,
		      uint64_t *oversize, unsigned budget, net_input_fn *fn, void *arg, int *stop);
/* Sends one datagram from the socket peer->endpoint names (queued while a received
 * batch is processed, and sent at its end after the group commit). Returns 0, or -1
 * when it could not be sent or was dropped because a commit failed. */
int net_send(struct net *net, const struct bmc_peer *peer, const void *buf, size_t len);

#endif
