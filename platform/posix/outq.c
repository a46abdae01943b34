/* See outq.h. */
#define _GNU_SOURCE /* sendmmsg(2) */
#include "outq.h"

#include <errno.h>
#include <string.h>

#include "log.h"

void outq_begin(struct outq *q)
{
	q->batching = true;
	if (q->hooks && q->hooks->defer)
		q->hooks->defer(q->hooks->arg, true);
}

void outq_end(struct outq *q)
{
	(void)outq_flush(q);
	if (q->hooks && q->hooks->defer)
		q->hooks->defer(q->hooks->arg, false);
	q->batching = false;
}

int outq_add(struct outq *q, int fd, const struct sockaddr_storage *to, socklen_t tolen, const void *buf,
	     size_t len)
{
	if (len > OUTQ_MSG_MAX)
		return -1;
	if (q->n == OUTQ_LEN)
		(void)outq_flush(q); /* a failed commit drops those; this one joins the next */
	q->msg[q->n].fd = fd;
	q->msg[q->n].tolen = tolen;
	q->msg[q->n].to = *to;
	q->msg[q->n].len = len;
	memcpy(q->msg[q->n].buf, buf, len);
	q->n++;
	return 0;
}

static void send_all(struct outq *q)
{
	struct mmsghdr msgs[OUTQ_LEN];
	struct iovec iov[OUTQ_LEN];
	unsigned done = 0;
	/* Consecutive replies from the same socket go in one sendmmsg. */
	while (done < q->n) {
		int fd = q->msg[done].fd;
		unsigned n = 0;
		memset(msgs, 0, sizeof msgs);
		while (done + n < q->n && q->msg[done + n].fd == fd) {
			iov[n].iov_base = q->msg[done + n].buf;
			iov[n].iov_len = q->msg[done + n].len;
			msgs[n].msg_hdr.msg_iov = &iov[n];
			msgs[n].msg_hdr.msg_iovlen = 1;
			msgs[n].msg_hdr.msg_name = &q->msg[done + n].to;
			msgs[n].msg_hdr.msg_namelen = q->msg[done + n].tolen;
			n++;
		}
		unsigned sent = 0;
		while (sent < n) {
			int r = sendmmsg(fd, msgs + sent, n - sent, 0);
			if (r < 0 && errno == EINTR)
				continue;
			if (r <= 0) {
				/* the rest of this group is lost, as one sendto would have lost it */
				q->send_errors += n - sent;
				log_debug("sendmmsg: %s", strerror(errno));
				break;
			}
			sent += (unsigned)r;
		}
		done += n;
	}
}

int outq_flush(struct outq *q)
{
	int rc = 0;
	if (q->hooks && q->hooks->commit && q->hooks->commit(q->hooks->arg) != 0) {
		q->dropped_uncommitted += q->n;
		log_error("group commit failed: %u repl%s dropped (%llu in all)", q->n, q->n == 1 ? "y" : "ies",
			  (unsigned long long)q->dropped_uncommitted);
		rc = -1;
	} else {
		send_all(q);
	}
	q->n = 0;
	return rc;
}
