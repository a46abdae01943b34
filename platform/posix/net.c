/* UDP transport for RMCP / RMCP+ (IPMI 2.0 §13). */
#define _GNU_SOURCE /* recvmmsg(2) */
#include "net.h"

#include <errno.h>
#include <stddef.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "log.h"

static void bind_error(const struct net_addr *a, int e, char *err, size_t errlen)
{
	char text[ADDR_TEXT_MAX], host[ADDR_TEXT_MAX];

	addr_format(a, text, sizeof text);
	snprintf(host, sizeof host, "%s", text);
	char *colon = strrchr(host, ':'); /* drop ":PORT" to suggest HOST:PORT */
	if (colon)
		*colon = '\0';
	switch (e) {
	case EADDRINUSE:
		snprintf(err, errlen,
			 "cannot listen on %s: address in use (another BMC or ipmi_sim running? choose another with "
			 "--listen %s:PORT)",
			 text, host);
		break;
	case EACCES:
	case EPERM:
		snprintf(err, errlen,
			 "cannot listen on %s: permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE; or "
			 "choose --listen %s:PORT with PORT >= 1024)",
			 text, host);
		break;
	case EADDRNOTAVAIL:
		snprintf(err, errlen, "cannot listen on %s: no interface on this host has that address (check --listen)",
			 text);
		break;
	case EAFNOSUPPORT:
		snprintf(err, errlen, "cannot listen on %s: address family not supported (IPv6 disabled?)", text);
		break;
	default:
		snprintf(err, errlen, "cannot listen on %s: %s", text, strerror(e));
		break;
	}
}

static int open_one(const struct net_addr *a, char *err, size_t errlen)
{
	int fd = socket(a->ss.ss_family, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0) {
		bind_error(a, errno, err, errlen);
		return -1;
	}
	if (a->ss.ss_family == AF_INET6) {
		/* [::]:623 must not also take 0.0.0.0:623: each address is bound explicitly. */
		int on = 1;
		if (setsockopt(fd, IPPROTO_IPV6, IPV6_V6ONLY, &on, sizeof on)) {
			bind_error(a, errno, err, errlen);
			close(fd);
			return -1;
		}
	}
	if (bind(fd, (const struct sockaddr *)&a->ss, a->len)) {
		bind_error(a, errno, err, errlen);
		close(fd);
		return -1;
	}
	return fd;
}

int net_open(struct net *net, const struct net_addr *addrs, unsigned n, char *err, size_t errlen)
{
	/* The buffers (the reply queue's messages and bufs, last in struct net) are
	 * written before they are read: left alone, the pages no batch has used stay
	 * unmapped. */
	memset(net, 0, offsetof(struct net, q) + offsetof(struct outq, msg));
	if (n > NET_MAX_SOCKETS) {
		snprintf(err, errlen, "too many listen addresses");
		return -1;
	}
	for (unsigned i = 0; i < n; i++) {
		int fd = open_one(&addrs[i], err, errlen);
		if (fd < 0) {
			net_close(net);
			return -1;
		}
		net->fd[i] = fd;
		net->addr[i] = addrs[i];
		net->n = i + 1;
	}
	return 0;
}

void net_close(struct net *net)
{
	for (unsigned i = 0; i < net->n; i++)
		close(net->fd[i]);
	net->n = 0;
}

unsigned net_drain_fd(int fd, uint16_t endpoint, uint8_t (*bufs)[NET_DGRAM_MAX], struct outq *q,
		      uint64_t *oversize, unsigned budget, net_input_fn *fn, void *arg, int *stop)
{
	struct mmsghdr msgs[NET_BATCH];
	struct iovec iov[NET_BATCH];
	struct sockaddr_storage from[NET_BATCH];
	unsigned total = 0;

	*stop = 0;
	/* recvmmsg: one system call per batch instead of per datagram, which matters under
	 * load (a flood of RMCP pings or Open Session requests). */
	while (total < budget) {
		unsigned want = budget - total < NET_BATCH ? budget - total : NET_BATCH;
		memset(msgs, 0, sizeof msgs[0] * want);
		for (unsigned k = 0; k < want; k++) {
			iov[k].iov_base = bufs[k];
			iov[k].iov_len = NET_DGRAM_MAX;
			msgs[k].msg_hdr.msg_iov = &iov[k];
			msgs[k].msg_hdr.msg_iovlen = 1;
			msgs[k].msg_hdr.msg_name = &from[k];
			msgs[k].msg_hdr.msg_namelen = sizeof from[k];
		}
		int got = recvmmsg(fd, msgs, want, MSG_DONTWAIT, NULL);
		if (got < 0) {
			if (errno == EINTR)
				continue;
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				log_debug("recvmmsg: %s", strerror(errno));
			break;
		}
		/* Replies wait for the batch's end, and store puts for one commit there. */
		outq_begin(q);
		for (int k = 0; k < got && !*stop; k++) {
			struct bmc_peer peer;
			total++;
			if (msgs[k].msg_hdr.msg_flags & MSG_TRUNC) {
				(*oversize)++;
				continue;
			}
			if (addr_to_peer(&from[k], endpoint, &peer))
				continue;
			*stop = fn(arg, &peer, bufs[k], msgs[k].msg_len);
		}
		outq_end(q);
		if (*stop || (unsigned)got < want)
			break;
	}
	return total;
}

unsigned net_drain(struct net *net, unsigned i, unsigned budget, net_input_fn *fn, void *arg)
{
	int stop;
	return net_drain_fd(net->fd[i], (uint16_t)i, net->bufs, &net->q, &net->dropped_oversize, budget, fn, arg,
			    &stop);
}

int net_send(struct net *net, const struct bmc_peer *peer, const void *buf, size_t len)
{
	struct sockaddr_storage to;
	socklen_t tolen = addr_from_peer(peer, &to);

	if (peer->endpoint >= net->n || tolen == 0)
		return -1;
	if (net->q.batching && outq_add(&net->q, net->fd[peer->endpoint], &to, tolen, buf, len) == 0)
		return 0;
	/* Keep the order of replies, and commit what this one may rest on first. */
	if (outq_flush(&net->q) != 0) {
		net->q.dropped_uncommitted++;
		return -1;
	}
	for (;;) {
		ssize_t n = sendto(net->fd[peer->endpoint], buf, len, 0, (const struct sockaddr *)&to, tolen);
		if (n >= 0)
			return 0;
		if (errno != EINTR)
			break;
	}
	/* UDP: a full socket buffer or an unreachable peer loses this reply; the client retries. */
	net->q.send_errors++;
	log_debug("sendto: %s", strerror(errno));
	return -1;
}
